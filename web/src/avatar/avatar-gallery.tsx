// Every avatar in every emotion, and the four mouth shapes, on one page (`/avatar-gallery`): for
// checking the faces by eye and for the end-to-end screenshots. It shows only the public catalog
// images, animated, so it is harmless in production; nothing links to it.
import { emotionSchema } from '../../../common/voice.ts';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { useSession } from '../session.tsx';
import { LivingAvatar } from './living-avatar.tsx';
import './avatar-gallery.css';

const openings = [0, 0.25, 0.55, 0.9];

export function AvatarGallery() {
  const { catalog } = useSession();
  return (
    <main id="main" className="avatar-gallery">
      <ScreenHeading>Avatars and their expressions</ScreenHeading>
      <table>
        <thead>
          <tr>
            <th scope="col">Avatar</th>
            {emotionSchema.options.map((emotion) => (
              <th scope="col" key={emotion}>
                {emotion}
              </th>
            ))}
            <th scope="col">Speaking</th>
          </tr>
        </thead>
        <tbody>
          {catalog.avatars.map((avatar) => (
            <tr key={avatar.id} data-avatar-row={avatar.id}>
              <th scope="row">{avatar.name}</th>
              {emotionSchema.options.map((emotion) => (
                <td key={emotion}>
                  <LivingAvatar avatarId={avatar.id} emotion={emotion} size={72} label={`${avatar.name}, ${emotion}`} />
                </td>
              ))}
              <td className="avatar-gallery-mouths">
                {openings.map((opening) => (
                  <LivingAvatar
                    key={opening}
                    avatarId={avatar.id}
                    opening={opening}
                    size={40}
                    label={`${avatar.name}, mouth ${Math.round(opening * 100)}% open`}
                  />
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
