import ClientExport
import DNSClient
import WebFetch

/// Apple's user-agent auto-configuration for the domain: `ua-auto-config.D` leads to the
/// server, its https answer is the catalog's byte for byte, and the `_ua-auto-config.D`
/// TXT record carries that answer's SHA-256, without which a client ignores the file.
/// Not published at all is a note (few clients ask yet); published in part is to fix.
extension DomainCheck {
    func userAgentConfiguration() async -> [DomainFinding] {
        let hostName = UserAgentConfiguration.host(for: domain)
        let recordName = UserAgentConfiguration.recordName(for: domain)
        let document: String
        do { document = try ServedAnswers.userAgentConfiguration(provider, domain: domain) } catch {
            return [DomainFinding(hostName, .note, "not offered: \(error.message)")]
        }
        let digest = UserAgentConfiguration.digest(of: document)
        let wanted = UserAgentConfiguration.record(for: document)
        let recordLine = ZoneLine.txt(recordName, wanted)
        async let hostFinding = host(hostName)
        let texts = (try? await dns.txt(recordName)) ?? []
        let (hostResult, resolves) = await hostFinding
        let published = texts.compactMap { UserAgentConfiguration.digests(inRecord: $0) }

        if !resolves && published.isEmpty {
            var note = hostResult
            note.status = .note
            note.detail = "not published (optional; Apple's user-agent auto-configuration): add both lines to offer it"
            note.zoneLine = [hostResult.zoneLine, recordLine].compactMap { $0 }.joined(separator: "\n")
            return [note]
        }
        var findings = [hostResult]
        if resolves {
            let url = "https://\(hostName)\(UserAgentConfiguration.path)"
            findings.append(await compare(url, expected: document) { try await fetch.get(url) })
        }
        if published.isEmpty {
            findings.append(DomainFinding(recordName, .fix, texts.isEmpty
                ? "no TXT record: clients ignore the configuration without its digest"
                : "no v=UAAC1 record among its TXT records: clients ignore the configuration without its digest",
                zoneLine: recordLine))
        } else if published.contains(where: { $0.sha256 == digest }) {
            findings.append(DomainFinding(recordName, .ok, "the SHA-256 of the catalog's configuration"))
        } else {
            findings.append(DomainFinding(recordName, .fix, "a digest of other bytes (\(published.compactMap(\.sha256).joined(separator: ", "))): "
                                          + "clients refuse the configuration; publish the catalog's after each change", zoneLine: recordLine))
        }
        return findings
    }
}
