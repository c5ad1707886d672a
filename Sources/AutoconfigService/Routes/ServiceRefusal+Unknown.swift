import HTTPKit

extension ServiceRefusal {
    /// A domain this server has no settings for.
    static func unknown(_ domain: String) -> ServiceRefusal {
        ServiceRefusal(.notFound, "no mail settings for \(domain) on this server")
    }
}
