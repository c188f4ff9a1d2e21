/** The pages of the client; the server serves index.html for each. */
export type Route = 'board' | 'signin' | 'post' | 'wall' | 'subscriptions';

function routeOf(pathname: string): Route {
  if (pathname.startsWith('/signin')) return 'signin';
  if (pathname.startsWith('/post')) return 'post';
  if (pathname.startsWith('/wall')) return 'wall';
  if (pathname.startsWith('/subscriptions')) return 'subscriptions';
  return 'board';
}

/** A tiny history-API router: four pages need no more. */
class Router {
  #route = $state<Route>(routeOf(location.pathname));
  #search = $state(location.search);
  #path = $state(location.pathname);

  constructor() {
    window.addEventListener('popstate', () => this.#sync());
  }

  get route(): Route {
    return this.#route;
  }

  /** `/sites/RHU03` opens the board with that site's panel (a shareable link). */
  get siteInPath(): string | null {
    const match = /^\/sites\/([A-Za-z0-9]{3,10})\/?$/.exec(this.#path);
    return match?.[1]?.toUpperCase() ?? null;
  }

  get params(): URLSearchParams {
    return new URLSearchParams(this.#search);
  }

  navigate(path: string, replace = false): void {
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    this.#sync();
  }

  #sync(): void {
    this.#route = routeOf(location.pathname);
    this.#search = location.search;
    this.#path = location.pathname;
  }
}

export const router = new Router();
