import MailSettings

extension Discovery {
    /// The best verified incoming and outgoing settings (or the best unverified ones when
    /// nothing was checked), as a provider for the export formats.
    static func provider(from candidates: [Candidate], domain: String) -> Provider? {
        let usable = candidates.filter { $0.verified != false }
        let incoming = usable.first { $0.setting.role == .incoming && !$0.setting.protocol.isURLBased }
        let outgoing = usable.first { $0.setting.role == .outgoing }
        let servers = [incoming, outgoing].compactMap { $0?.setting }
        guard !servers.isEmpty else { return nil }
        return try? Provider(id: "discovered-\(domain)", displayName: "\(domain) (discovered)",
                             kind: incoming == nil ? .relay : .mailbox, domains: [domain], servers: servers)
    }
}
