import MailSettings

/// The order candidates are offered in: the most trusted source first, then the
/// strongest transport security.
enum Ranking {
    /// How far each source is trusted: the catalog is curated; what the domain publishes
    /// over https is its own word; the ISPDB, the SRV records and the MX host's settings
    /// are others' or older ways of saying it; a plain-http answer could be anyone's; a
    /// guess only answered.
    static func weight(of source: SourceID) -> Int {
        switch source {
        case .catalog: 100
        case .autoconfig: 90
        case .wellKnown: 88
        case .ispdb: 80
        case .srv: 70
        case .mxCatalog: 60
        case .mxISPDB: 55
        case .autoconfigHTTP: 30
        case .guess: 10
        }
    }

    /// The source's weight in the tens, TLS (3) over STARTTLS (2) over none in the units,
    /// and an insecure answer below every secure one.
    static func score(_ setting: ServerSetting, from outcome: SourceOutcome) -> Int {
        let security = setting.security == .tls ? 3 : setting.security == .starttls ? 2 : 0
        return weight(of: outcome.source) * 10 + security - (outcome.insecure ? 500 : 0)
    }

    /// One entry per distinct setting (its description and client extras aside), credited
    /// to the answer that scores it highest (the first of equals), best first; settings
    /// without a host or port are dropped.
    static func rank(_ answers: [SourceAnswer]) -> [Candidate] {
        var best: [ServerSetting: Candidate] = [:]
        for a in answers {
            for s in a.settings where s.hostname != nil && s.port != nil {
                let score = score(s, from: a.outcome)
                var key = s
                key.description = nil
                key.clientConfigExtras = []
                if best[key].map({ $0.score < score }) ?? true {
                    best[key] = Candidate(setting: s, source: a.outcome.source, score: score)
                }
            }
        }
        return best.values.sorted { ($0.score, $1.setting.summary) > ($1.score, $0.setting.summary) }
    }
}
