/**
 * A minimal browser for sign-in flows driven with fetch: a cookie jar (per host name and path,
 * as browsers keep them: orca and the provider on 127.0.0.1 share it, ports apart), manual
 * redirects, and form posts on the test provider's login and consent pages.
 */

interface Cookie {
  readonly name: string;
  readonly value: string;
  readonly host: string;
  readonly path: string;
  readonly httpOnly: boolean;
  readonly sameSite: string | null;
}

export interface Landing {
  /** Where the browser stopped: the page it loaded, or the URL `stop` matched (not requested). */
  readonly url: URL;
  /** Null when `stop` matched before the request. */
  readonly status: number | null;
  readonly body: string;
}

export class TestBrowser {
  private readonly jar = new Map<string, Cookie>();

  cookie(name: string, host = '127.0.0.1'): Cookie | undefined {
    return [...this.jar.values()].find((c) => c.name === name && c.host === host);
  }

  cookieNames(): string[] {
    return [...this.jar.values()].map((c) => c.name);
  }

  private header(url: URL): string {
    return [...this.jar.values()]
      .filter((c) => c.host === url.hostname && url.pathname.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private store(url: URL, res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = (n: string) =>
        attrs.find((a) => a.toLowerCase().startsWith(`${n}=`))?.slice(n.length + 1) ?? null;
      const path = attr('path') ?? '/';
      const key = `${url.hostname}|${path}|${name}`;
      const expired =
        attr('max-age') === '0' ||
        value === '' ||
        (attr('expires') !== null && new Date(attr('expires') ?? '').getTime() < Date.now());
      if (expired) {
        this.jar.delete(key);
        continue;
      }
      this.jar.set(key, {
        name,
        value,
        host: url.hostname,
        path,
        httpOnly: attrs.some((a) => a.toLowerCase() === 'httponly'),
        sameSite: attr('samesite'),
      });
    }
  }

  /** One request, no redirect followed; cookies sent and kept. */
  async request(url: URL, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    const cookie = this.header(url);
    if (cookie) headers.cookie = cookie;
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      redirect: 'manual',
      ...(init.form && { body: new URLSearchParams(init.form).toString() }),
    });
    this.store(url, res);
    return res;
  }

  /** Follows redirects from `url` until a page loads, or until `stop` matches the next URL. */
  async follow(
    start: URL | string,
    stop: (url: URL) => boolean = () => false,
    init: { form?: Record<string, string> } = {},
  ): Promise<Landing> {
    let url = new URL(start);
    let form = init.form;
    for (let hop = 0; hop < 20; hop++) {
      if (stop(url)) return { url, status: null, body: '' };
      const res = await this.request(url, form ? { form } : {});
      form = undefined;
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer();
        url = new URL(location, url);
        continue;
      }
      return { url, status: res.status, body: await res.text() };
    }
    throw new Error(`more than 20 redirects from ${start}`);
  }
}

/** The test provider's pages: the login form and the consent form, both posted back. */
export function formOf(page: Landing): { action: URL; fields: Record<string, string> } | null {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(page.body);
  if (!form?.[1]) return null;
  const fields: Record<string, string> = {};
  for (const m of (form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)) {
    if (m[1]) fields[m[1]] = m[2] ?? '';
  }
  return { action: new URL(form[1].replaceAll('&amp;', '&'), page.url), fields };
}

export function abortLinkOf(page: Landing): URL | null {
  const m = /href="([^"]*\/abort)"/.exec(page.body);
  return m?.[1] ? new URL(m[1], page.url) : null;
}
