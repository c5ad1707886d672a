import Foundation

/// The outcome of one live check of a provider's setting, as stored.
public struct VerificationRecord: Sendable, Codable, Equatable {
    public var setting: String
    public var ok: Bool
    public var kind: String?
    public var message: String
    public var checkedAt: Date
}

extension Catalog {
    /// Records the outcome of a live check (`mailconf verify`) of a provider's setting.
    public func recordVerification(providerID: String, setting: String, ok: Bool, kind: String?, message: String,
                                   at date: Date = Date()) throws(CatalogError) {
        try write { tx -> Void in
            try tx.execute("""
                INSERT INTO verification(provider_id, setting, ok, kind, message, checked_at) VALUES (?, ?, ?, ?, ?, ?)
                """, [providerID, setting, ok, kind, String(message.prefix(1000)), date])
        }
    }

    /// The latest check of each setting of a provider, keyed by the setting's summary.
    public func lastVerifications(providerID: String) throws(CatalogError) -> [String: VerificationRecord] {
        try read { tx in
            // The newest row of each setting, in SQL both dialects share.
            let rows = try tx.rows("""
                SELECT setting, ok, kind, message, checked_at FROM verification AS v
                WHERE v.provider_id = ? AND v.id = (
                    SELECT w.id FROM verification AS w WHERE w.provider_id = v.provider_id AND w.setting = v.setting
                    ORDER BY w.checked_at DESC, w.id DESC LIMIT 1)
                """, [providerID])
            var out: [String: VerificationRecord] = [:]
            for row in rows {
                let setting = try row.string("setting")
                out[setting] = VerificationRecord(setting: setting, ok: try row.bool("ok"), kind: try row.optionalString("kind"),
                                                  message: try row.string("message"), checkedAt: try row.date("checked_at"))
            }
            return out
        }
    }
}
