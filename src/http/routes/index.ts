// Routes: per site, first match wins (host, path, method, header, query) → proxy to a pool,
// redirect, respond, or a built-in handler; with path-prefix and Host rewrites toward the app.

export { expandLocation, noRouteHandler, RETRY_AFTER_S, unavailableHandler } from './actions.ts';
export { type RouteOutcome, routeRequest } from './decide.ts';
export { H1MatchInput, H2MatchInput } from './inputs.ts';
export {
  bareHost,
  hostMatches,
  type MatchInput,
  type MatchPlan,
  matches,
  queryValue,
  shadows,
  splitTarget,
  type ValueMatcher,
  valueMatches,
} from './match.ts';
export type { PathRewrite, RouteAction, RoutePlan } from './plan.ts';
export { forwardTo, headRewriteOf, rewriteOf } from './proxy-request.ts';
export { rewriteTarget } from './rewrite.ts';
export {
  buildRouteTable,
  type NamedHandlers,
  type Route,
  type RoutedSite,
  RouteTable,
  routesOf,
} from './table.ts';
