/** Screens that depend on capabilities (channels) beyond the case itself. */
import { isApiChannel } from '../../shared/ipc/contract';
import type { Screen } from '../state';
import { EventsScreen } from './EventsScreen';
import { FindingsScreen } from './FindingsScreen';
import { TimelineScreen } from './TimelineScreen';

const NEEDS: Partial<Record<Screen, string>> = {
  timeline: 'timeline:histogram',
  events: 'events:query',
  findings: 'findings:list',
};

/** True when the screen's channels exist in this build. */
export function screenAvailable(screen: Screen): boolean {
  const need = NEEDS[screen];
  return need === undefined || isApiChannel(need);
}

/** Renders a capability screen. */
export function ScreenView({ screen }: { screen: Screen }) {
  switch (screen) {
    case 'timeline':
      return <TimelineScreen />;
    case 'events':
      return <EventsScreen />;
    case 'findings':
      return <FindingsScreen />;
    default:
      return null;
  }
}
