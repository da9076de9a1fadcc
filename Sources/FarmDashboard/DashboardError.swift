/// Why `farmrun serve` cannot start: each case names the input and the fix.
package enum DashboardError: Error, Sendable, CustomStringConvertible {
    case tokenFile(path: String, problem: String)
    case badPort(Int)
    case badBind(String)
    case cannotListen(address: String, reason: String)

    package var description: String {
        switch self {
        case let .tokenFile(path, problem):
            return "--token-file \(path): \(problem)"
        case let .badPort(port):
            return "--port \(port): use a port from 1 to 65535 (or 0 for any free one)"
        case let .badBind(address):
            return "--bind \(address): give an IP address of this machine, e.g. 127.0.0.1 (default) or 0.0.0.0 for every interface"
        case let .cannotListen(address, reason):
            return "cannot listen on \(address): \(reason); choose another --port (--port 0 takes any free one), or stop what uses it"
        }
    }
}
