import ClientExport
import MailFormats

/// How `mailconf serve` answers.
public struct ServiceConfiguration: Sendable {
    /// Also answer for every mail domain the catalog's providers know (an ISPDB mirror),
    /// not only the organisation's own domains.
    public var answerForAllKnownDomains: Bool
    /// Write whole addresses in the access log (off: only the domain).
    public var logAddresses: Bool
    /// One access-log line per request (at info level).
    public var accessLog: Bool = true
    /// How often the catalog is checked for changes made by other processes.
    public var pollInterval: Duration
    /// The largest Autodiscover request body taken (larger ones get 413).
    public var maxRequestBody: Int
    /// Public base URL the JSON Autodiscover answer points to; nil: from the request.
    public var publicBaseURL: String?
    /// `Cache-Control: max-age` for answers.
    public var maxAge: Int
    /// Sign the Apple profiles served (nil: they are served unsigned).
    public var profileSigners: ProfileSigners?
    /// The ACME challenges being answered (nil: no ACME).
    public var challenges: ChallengeBoard?
    /// The clientConfig version of Thunderbird's file: 1.1 until clients read 1.2.
    public var clientConfigVersion: ClientConfig.Version = .v1_1

    public init(answerForAllKnownDomains: Bool = false, logAddresses: Bool = false,
                pollInterval: Duration = .milliseconds(250), maxRequestBody: Int = AutodiscoverRequest.largestBody,
                publicBaseURL: String? = nil, maxAge: Int = 300) {
        self.answerForAllKnownDomains = answerForAllKnownDomains
        self.logAddresses = logAddresses
        self.pollInterval = pollInterval
        self.maxRequestBody = maxRequestBody
        self.publicBaseURL = publicBaseURL
        self.maxAge = maxAge
    }
}
