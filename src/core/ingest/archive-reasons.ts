/**
 * What an archive's own row says about it when its members could not all be read as listed: a
 * zip whose list of members is missing (found by their local headers instead), a tar whose walk
 * stopped early or passed damage over, an archive that cannot be read at all. Worded here, apart
 * from the import loop that counts what it met.
 */
import type { TarEnd, TarGaps } from './tar-members';

/**
 * Why a zip could not be read, in the examiner's terms: yauzl's "End of central directory record
 * signature not found" is a file cut off (the directory of members is its last part) or not a zip.
 */
export function zipFailure(err: Error, membersRead: number): string {
  if (/end of central directory record signature not found/i.test(err.message)) return NO_MEMBERS_FOUND;
  const after = membersRead > 0 ? ` after ${membersRead} member${membersRead === 1 ? '' : 's'}` : '';
  return `cannot read the archive${after}: ${err.message}`;
}

/** A zip without the list of its members, none of which could be found from its start either. */
export const NO_MEMBERS_FOUND =
  'cannot read the archive: it is cut off or damaged (the list of its members, at its end, is missing), and no member could be found from its start either; get the file again, or extract what a repair tool (zip -FF, 7-Zip) recovers and import that';

/** What the members of a zip found by their local headers showed as they were read. */
export interface Salvage {
  /** The zip reader's reason for not reading the list of members. */
  why: string;
  /** Members the archive ends inside (at most one: the walk stops there). */
  cut: number;
  /** Members whose data does not inflate or fails its CRC-32 or size check. */
  damaged: number;
  /** The member past which no other could be found, if the walk stopped at one. */
  stoppedAt: string | null;
}

/** The archive row's warning when its members were found by their local headers. */
export function salvageWarning(members: number, s: Salvage): string {
  const parts = [`${members} found`];
  if (s.cut > 0) parts.push('the last cut off (its own row says how much of it was read)');
  if (s.damaged > 0) parts.push(`${s.damaged} damaged (see ${s.damaged === 1 ? 'its own row' : 'their own rows'})`);
  if (s.stoppedAt !== null) parts.push(`none after ${s.stoppedAt}, where it ends cannot be found (a repair tool may find more)`);
  if (parts.length === 1) parts.push('each whole');
  return `the zip archive is cut off or damaged: the list of its members (at its end) is missing or unreadable (the zip reader says: ${s.why.replace(/\.$/, '')}), so they were found one by one from its start; ${parts.join(', ')}`;
}

/** The archive row's warning when a tar archive's walk did not reach its end blocks, or null. */
export function tarWarning(end: TarEnd, members: number, cutMember: boolean, gaps: TarGaps): string | null {
  const how = tarEndWarning(end, members, cutMember);
  if (gaps.count === 0) return how;
  const one = gaps.count === 1;
  const passed = `${gaps.count} stretch${one ? '' : 'es'} of the tar archive (${gaps.bytes.toLocaleString('en-US')} bytes) where a member should start and none does (damage, or a copy with holes) ${one ? 'was' : 'were'} passed over: a member whose header was there is lost, the members after ${one ? 'it' : 'them'} were read, and a tar stored in a lost member may show its members as the archive's own (get the archive again)`;
  return how === null ? passed : `${how}; ${passed}`;
}

/** What the end of a tar archive's walk says about it, or null when it reached its end blocks. */
export function tarEndWarning(end: TarEnd, members: number, cutMember: boolean): string | null {
  const count = `${members} member${members === 1 ? '' : 's'}`;
  switch (end) {
    case 'end':
      return null;
    case 'cut':
      return cutMember
        ? `the tar archive is cut off: ${count} found, the last cut off (its own row says how much of it was read)`
        : `the tar archive is cut off after ${count}: any members after them are missing (get the archive again)`;
    case 'damaged':
      return `the tar archive is damaged after ${count}: a block where a member should start is not one, so any members after it were not read (get the archive again)`;
    case 'no end blocks':
      return `the tar archive ends without its end-of-archive blocks: it may be cut off after ${count} (get the archive again if members are missing)`;
  }
}

/** Why a tar archive in which no member was found cannot be read, or null when it is simply empty. */
export function tarUnread(end: TarEnd): string | null {
  return end === 'end' || end === 'no end blocks'
    ? null
    : `cannot read the tar archive: it is ${end === 'cut' ? 'cut off' : 'damaged'} before its first member; get the file again`;
}
