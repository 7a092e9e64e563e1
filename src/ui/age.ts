/** How long ago, the way `docker images` says it: `just now`, `12 min`, `5 h`, `3 d`. */
export function formatAge(thenIso: string | undefined, now: Date = new Date()): string {
  if (thenIso === undefined) return '-';
  const ms = now.getTime() - Date.parse(thenIso);
  if (Number.isNaN(ms)) return '-';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}
