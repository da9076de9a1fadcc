import Farm
import Hummingbird

/// Lets a request through only with the dashboard's token: `?token=` in the URL (the one `farmrun serve`
/// prints), then the cookie that first answer sets, or `Authorization: Bearer` for scripts. Anything else,
/// every page, asset and API alike, is 401. The cookie's name carries a hash of the token, so two dashboards
/// on one host (cookies do not tell ports apart) do not log each other out.
struct TokenGate<Context: RequestContext>: RouterMiddleware {
    let token: DashboardToken
    let cookieName: String

    init(token: DashboardToken) {
        self.token = token
        cookieName = "farm_token_" + String(FNV1a.hash(token.value) >> 32, radix: 16)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let given = request.uri.queryParameters["token"] {
            guard token.matches(given) else { return Self.refusal }
            guard request.uri.path == "/" else { return try await next(request, context) }
            // The page itself: keep the token in a cookie and take it out of the address bar (and history).
            var response = Response(status: .seeOther, headers: [.location: "/"])
            response.setCookie(Cookie(name: cookieName, value: token.value, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        if let cookie = request.cookies[cookieName], token.matches(Substring(cookie.value)) {
            return try await next(request, context)
        }
        if let header = request.headers[.authorization], header.hasPrefix("Bearer "), token.matches(header.dropFirst(7)) {
            return try await next(request, context)
        }
        return Self.refusal
    }

    static var refusal: Response {
        DashboardResponse.text(
            "401 Unauthorized: this farm dashboard needs its token. Open the URL farmrun serve printed (http://…/?token=…).\n",
            status: .unauthorized)
    }
}
