import Catalog
import MailNet
import MailSettings
import SASL
import Validator

/// A setting to check live, and the catalog provider whose record the outcome goes
/// under (nil for a setting given by hand, which is not recorded).
package struct VerificationTarget: Sendable {
    package var request: VerifyRequest
    package var providerID: String?

    package init(request: VerifyRequest, providerID: String?) {
        self.request = request
        self.providerID = providerID
    }
}

/// Verify, then record: what `mailconf verify` and the admin API's "verify now" do.
package enum Verification {
    /// One check: a real test message when the request has recipients, else the setting
    /// with, on a failure another setting may get around, the other ports and securities
    /// of the same host tried and the one that works named.
    package static func check(_ request: VerifyRequest) async -> VerifyResult {
        request.recipients.isEmpty ? await LiveCheck.verifyWithAlternatives(request) : await LiveCheck.verifySending(request)
    }

    /// All targets at once; the results in the targets' order. `finished` is told of
    /// each result as it comes.
    package static func check(_ targets: [VerificationTarget], finished: (VerifyResult) -> Void = { _ in }) async -> [VerifyResult] {
        await withTaskGroup(of: (Int, VerifyResult).self) { group in
            for (i, target) in targets.enumerated() {
                group.addTask { (i, await check(target.request)) }
            }
            var collected: [(Int, VerifyResult)] = []
            for await item in group {
                collected.append(item)
                finished(item.1)
            }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Records each catalog target's outcome beside its provider (what 'providers show'
    /// and the admin page show as the last verification).
    package static func record(_ results: [VerifyResult], of targets: [VerificationTarget], in catalog: Catalog) throws(CatalogError) {
        for (target, result) in zip(targets, results) {
            guard let providerID = target.providerID else { continue }
            try catalog.recordVerification(providerID: providerID, setting: target.request.setting.summary, ok: result.ok,
                                           kind: result.kind?.name, message: result.message)
        }
    }

    /// Checks the catalog's server `id` and records the outcome. With a password it logs
    /// in as `username`; without one it stops before AUTH (nothing stores a password),
    /// which the result says. Throws `.unknownServer` when there is no such server.
    package static func checkStored(id: Int64, username: String?, password: Secret?, trust: TrustPolicy, timeout: Double = 10,
                                    in catalog: Catalog) async throws(CatalogError) -> VerifyResult {
        guard let found = try catalog.server(id: id)?.server else { throw .unknownServer(id) }
        var request = VerifyRequest(setting: found.server, username: username, secret: password, trust: trust, timeout: timeout)
        request.logIn = password != nil
        let target = VerificationTarget(request: request, providerID: found.providerID)
        let result = await check(request)
        try record([result], of: [target], in: catalog)
        return result
    }
}
