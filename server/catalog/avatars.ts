/**
 * The avatars a person can give their companion. The images live in `web/public/avatars/<id>.svg`
 * and are served as static assets, so the Worker only hands out their paths.
 */
import type { Avatar } from '../../common/catalog.ts';

/** The avatar a new companion starts with. */
export const defaultAvatarId = 'sunny';

/** The avatars, in the order the catalog shows them. */
export const avatars: Avatar[] = [
  {
    id: 'sunny',
    name: 'Sunny',
    description: 'A round, golden face with rosy cheeks and a big smile.',
    imageUrl: '/avatars/sunny.svg',
    alt: 'A smiling golden-yellow round face with rosy cheeks on a warm orange background.',
  },
  {
    id: 'mint-bot',
    name: 'Mint Bot',
    description: 'A cheerful little robot with an antenna and glowing eyes.',
    imageUrl: '/avatars/mint-bot.svg',
    alt: 'A friendly mint-green robot head with an antenna, round glowing eyes and a smile.',
  },
  {
    id: 'night-owl',
    name: 'Night Owl',
    description: 'A wise, wide-eyed owl for late-night chats.',
    imageUrl: '/avatars/night-owl.svg',
    alt: 'A purple owl with large round eyes and a small beak on a deep blue night background.',
  },
  {
    id: 'coral-fox',
    name: 'Coral Fox',
    description: 'A clever fox with pointed ears and a sly grin.',
    imageUrl: '/avatars/coral-fox.svg',
    alt: 'A coral-orange fox face with pointed ears, a white muzzle and a small grin.',
  },
  {
    id: 'lavender-cloud',
    name: 'Lavender Cloud',
    description: 'A soft, dreamy cloud with a sleepy, contented smile.',
    imageUrl: '/avatars/lavender-cloud.svg',
    alt: 'A fluffy white cloud with closed, content eyes and a soft smile on a lavender background.',
  },
  {
    id: 'sage-sprout',
    name: 'Sage Sprout',
    description: 'A little potted sprout, growing one leaf at a time.',
    imageUrl: '/avatars/sage-sprout.svg',
    alt: 'A terracotta flower pot with a smiling face and two green leaves sprouting from it.',
  },
  {
    id: 'ocean-drop',
    name: 'Ocean Drop',
    description: 'A calm water droplet with a gentle shine.',
    imageUrl: '/avatars/ocean-drop.svg',
    alt: 'A blue water droplet with a shine, round eyes and a gentle smile on a pale aqua background.',
  },
  {
    id: 'berry-cat',
    name: 'Berry Cat',
    description: 'A playful cat with whiskers and a curious look.',
    imageUrl: '/avatars/berry-cat.svg',
    alt: 'A berry-pink cat face with triangular ears, whiskers and a small curious smile.',
  },
];
