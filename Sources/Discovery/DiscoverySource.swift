import MailSettings

/// One place mail clients look for settings. The sources are asked at once (or, to
/// measure what that saves, one after another), and each says what it asked and what
/// came of it, even when that is nothing or a failure, so the listing shows every one.
protocol DiscoverySource: Sendable {
    /// One answer per question asked: most sources ask one; the MX source asks the
    /// catalog and, when that knows nothing, the ISPDB.
    func answers(for address: EmailAddress, in context: DiscoveryContext) async -> [SourceAnswer]
}

/// What one question to a source gave: its outcome for the listing, and the settings
/// for the ranking.
struct SourceAnswer: Sendable {
    var outcome: SourceOutcome
    var settings: [ServerSetting]
}
