/**
 * Whether a URL's host name is this machine (localhost, *.localhost, 127.0.0.0/8, ::1): the only hosts plain http
 * may be used with for anything that carries a secret (sink URLs, the Entra sign-in host), because the traffic never
 * leaves the machine. Tests and the simulator live there.
 */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}

/** https://, or http:// to a loopback host. */
export function isSecureOrLoopbackUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHostname(url.hostname));
}
