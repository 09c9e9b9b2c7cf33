// The app's sections: beside the brand at the top on wide screens, and as a tab bar at the bottom on
// phones, where a thumb reaches it and it takes nothing from the top. The shell places one of each and
// the style sheet shows only the one for the screen's width, so there is always exactly one.
import { Link } from '../router.tsx';
import { Icon, type IconName } from './icons.tsx';

const sections: { href: string; label: string; icon: IconName }[] = [
  { href: '/chat', label: 'Chat', icon: 'chat' },
  { href: '/today', label: 'Today', icon: 'today' },
  { href: '/life', label: 'Life', icon: 'life' },
  { href: '/memories', label: 'Memories', icon: 'memories' },
  { href: '/files', label: 'Files', icon: 'files' },
  { href: '/settings', label: 'Settings', icon: 'settings' },
];

export function MainNavigation({ path, placement }: { path: string; placement: 'top' | 'bottom' }) {
  return (
    <nav aria-label="Main" className={`main-navigation ${placement}`}>
      <ul>
        {sections.map((section) => (
          <li key={section.href}>
            <Link href={section.href} aria-current={path === section.href || path.startsWith(`${section.href}/`) ? 'page' : undefined}>
              <Icon name={section.icon} />
              <span className="main-navigation-label">{section.label}</span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
