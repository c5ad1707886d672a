import Catalog
import Foundation
import MailFormats
import MailNet
import MailSettings
import WebFetch

/// What every source and check shares: the options, the catalog, the one resolver, the
/// autoconfig fetch and the timing of each answer.
struct DiscoveryContext: Sendable {
    let options: DiscoveryOptions
    let catalog: Catalog?

    /// Discovery's own resolver (so --dns-server holds for every source and probe), with
    /// --resolve / --connect-to over it.
    var resolver: OverridingResolver {
        OverridingResolver(base: options.dns, overrides: options.connectTo.mapValues { ($0.host, $0.port) })
    }

    /// The servers of the autoconfig file at `url` (a domain's own, or the ISPDB's),
    /// within the source's deadline; anything but 200 is a failure.
    func clientConfig(at url: String, domain: String) async throws -> [ServerSetting] {
        let fetch = HTTPFetch(resolver: resolver, caFile: options.caFile, timeout: options.sourceTimeout)
        let response = try await fetch.get(url)
        guard response.status == 200 else { throw HTTPFetch.Failure(message: "HTTP \(response.status)") }
        let provider = try ClientConfig.read(response.body, source: url, fallbackID: domain).provider
        return provider.servers
    }

    /// Runs one question to a source and words its outcome: how many settings, nothing
    /// found, or the error, with the time it took.
    func timed(_ source: SourceID, asked: String, insecure: Bool = false,
               _ body: @Sendable () async throws -> [ServerSetting]) async -> SourceAnswer {
        let t0 = Date()
        do {
            let settings = try await body()
            return SourceAnswer(outcome: SourceOutcome(source: source, asked: asked, ok: !settings.isEmpty,
                                                       message: settings.isEmpty ? "nothing found" : "\(settings.count) setting(s)",
                                                       seconds: Date().timeIntervalSince(t0), found: settings.count,
                                                       insecure: insecure),
                                settings: settings)
        } catch {
            return SourceAnswer(outcome: SourceOutcome(source: source, asked: asked, ok: false, message: "\(error)",
                                                       seconds: Date().timeIntervalSince(t0), found: 0, insecure: insecure),
                                settings: [])
        }
    }
}
