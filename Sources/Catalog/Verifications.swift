import Foundation
import GRDB

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
        try write { db in
            try db.execute(sql: """
                INSERT INTO verification(provider_id, setting, ok, kind, message, checked_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [providerID, setting, ok, kind, String(message.prefix(1000)), date])
        }
    }

    /// The latest check of each setting of a provider, keyed by the setting's summary.
    public func lastVerifications(providerID: String) throws(CatalogError) -> [String: VerificationRecord] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT setting, ok, kind, message, MAX(checked_at) AS checked_at FROM verification
                WHERE provider_id = ? GROUP BY setting
                """, arguments: [providerID])
            var out: [String: VerificationRecord] = [:]
            for row in rows {
                let setting: String = row["setting"]
                out[setting] = VerificationRecord(setting: setting, ok: row["ok"], kind: row["kind"], message: row["message"],
                                                  checkedAt: row["checked_at"])
            }
            return out
        }
    }
}
