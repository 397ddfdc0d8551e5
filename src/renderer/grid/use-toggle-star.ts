/** The grid's star column: toggles an event's star, refreshes the data, reports a failure. */
import { useCallback } from 'react';
import type { EventListItem } from '../../shared/model/analysis';
import { call, errorMessage } from '../api';
import { useApp } from '../state';

/** A stable callback for `EventsGrid`'s `onToggleStar`. */
export function useToggleStar(): (row: EventListItem) => void {
  const { bumpData, notify } = useApp();
  return useCallback(
    (row: EventListItem) => {
      call('event:star', { id: row.id, starred: !row.starred })
        .then(() => bumpData())
        .catch((err: unknown) => notify('error', errorMessage(err)));
    },
    [bumpData, notify],
  );
}
