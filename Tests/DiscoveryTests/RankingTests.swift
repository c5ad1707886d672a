import MailSettings
import Testing
@testable import Discovery

/// Ranking as a pure function of what the sources said: no network.
struct RankingTests {
    func setting(_ port: Int, _ security: ConnectionSecurity, _ proto: ServerProtocol = .smtp,
                 host: String = "mail.example.org") throws -> ServerSetting {
        try ServerSetting(protocol: proto, hostname: Hostname(host), port: Port(port), security: security,
                          authentication: [.passwordCleartext], username: .emailAddress)
    }

    func answer(_ source: SourceID, _ settings: [ServerSetting], insecure: Bool = false) -> SourceAnswer {
        SourceAnswer(outcome: SourceOutcome(source: source, asked: "", ok: !settings.isEmpty, message: "", seconds: 0,
                                            found: settings.count, insecure: insecure),
                     settings: settings)
    }

    @Test func theSameSettingFromTwoSourcesIsOneCandidateCreditedToTheMoreTrusted() throws {
        let s = try setting(465, .tls)
        var described = s
        described.description = "as the ISPDB words it"
        let ranked = Ranking.rank([answer(.srv, [s]), answer(.catalog, [described]), answer(.guess, [s])])
        #expect(ranked.count == 1)
        #expect(ranked.first?.source == .catalog)
        #expect(ranked.first?.score == 1003)
    }

    @Test func tlsOverSTARTTLSOverNoneFromOneSource() throws {
        let ranked = Ranking.rank([answer(.srv, [try setting(25, .none), try setting(587, .starttls), try setting(465, .tls)])])
        #expect(ranked.map(\.setting.port?.value) == [465, 587, 25])
        #expect(ranked.map(\.score) == [703, 702, 700])
    }

    @Test func aMoreTrustedSourceOutranksBetterSecurity() throws {
        let ranked = Ranking.rank([answer(.guess, [try setting(465, .tls)]), answer(.ispdb, [try setting(587, .starttls)])])
        #expect(ranked.map(\.source) == [.ispdb, .guess])
    }

    @Test func plainHTTPRanksBelowEvenAGuess() throws {
        let ranked = Ranking.rank([answer(.autoconfigHTTP, [try setting(465, .tls)], insecure: true),
                                   answer(.guess, [try setting(587, .starttls)])])
        #expect(ranked.map(\.source) == [.guess, .autoconfigHTTP])
        #expect(ranked.last?.score == 30 * 10 + 3 - 500)
    }

    @Test func settingsWithoutHostOrPortAreNoCandidates() throws {
        var noPort = try setting(465, .tls)
        noPort.port = nil
        var noHost = try setting(587, .starttls)
        noHost.hostname = nil
        #expect(Ranking.rank([answer(.catalog, [noPort, noHost])]).isEmpty)
    }

    @Test func equalScoresAreOrderedByTheirSummary() throws {
        let ranked = Ranking.rank([answer(.srv, [try setting(993, .tls, .imap, host: "imap.example.org"),
                                                 try setting(465, .tls, host: "b.example.org")])])
        #expect(ranked.map(\.setting.summary) == ranked.map(\.setting.summary).sorted())
    }

    @Test func everySourceHasAWeightAndTheyAreDistinct() {
        let weights = SourceID.allCases.map(Ranking.weight(of:))
        #expect(Set(weights).count == weights.count)
        #expect(weights.max() == Ranking.weight(of: .catalog))
        #expect(weights.min() == Ranking.weight(of: .guess))
    }
}
