import ClientExport
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MailFormats
import MailSettings

/// The endpoints mail clients ask, as small functions over the request. Paths match
/// without regard to case (Outlook asks `/Autodiscover/Autodiscover.xml` too).
public struct AutoconfigResponder: HTTPResponder {
    public typealias Context = BasicRequestContext

    let store: SettingsStore
    let metrics: Metrics
    let configuration: ServiceConfiguration
    let logger: Logger

    public init(store: SettingsStore, metrics: Metrics, configuration: ServiceConfiguration, logger: Logger) {
        self.store = store
        self.metrics = metrics
        self.configuration = configuration
        self.logger = logger
    }

    typealias Handler = @Sendable (AutoconfigResponder, inout Request) async throws(RequestChecks.Refusal) -> Answer

    /// An answer before it becomes a Response: what the access log and metrics need too.
    struct Answer {
        var status: HTTPResponse.Status = .ok
        var contentType = "text/plain; charset=utf-8"
        var body = ByteBuffer()
        var etag: String?
        var cacheable = true
        var domain: String?
        var address: String?
        var extraHeaders: [(HTTPField.Name, String)] = []

        static func text(_ status: HTTPResponse.Status, _ message: String) -> Answer {
            Answer(status: status, body: ByteBuffer(string: message + "\n"), cacheable: false)
        }
    }

    struct Route {
        var name: String
        var method: HTTPRequest.Method
        var handler: Handler
    }

    static let exact: [String: Route] = [
        "/mail/config-v1.1.xml": Route(name: "autoconfig", method: .get) { r, req throws(RequestChecks.Refusal) in try r.thunderbird(req, domainFromPath: nil) },
        "/.well-known/autoconfig/mail/config-v1.1.xml": Route(name: "well-known", method: .get) { r, req throws(RequestChecks.Refusal) in try r.thunderbird(req, domainFromPath: nil) },
        "/autodiscover/autodiscover.xml": Route(name: "autodiscover", method: .post) { r, req throws(RequestChecks.Refusal) in try await r.autodiscover(&req) },
        "/autodiscover/autodiscover.json": Route(name: "autodiscover-json", method: .get) { r, req throws(RequestChecks.Refusal) in try r.autodiscoverJSON(req, pathAddress: nil) },
        "/email.mobileconfig": Route(name: "mobileconfig", method: .get) { r, req throws(RequestChecks.Refusal) in try r.mobileconfig(req) },
        "/healthz": Route(name: "healthz", method: .get) { r, _ throws(RequestChecks.Refusal) in .text(.ok, "ok \(r.store.domainCount) domains") },
        "/metrics": Route(name: "metrics", method: .get) { r, _ throws(RequestChecks.Refusal) in
            Answer(contentType: "text/plain; version=0.0.4; charset=utf-8", body: ByteBuffer(string: r.metrics.render()), cacheable: false)
        },
    ]

    /// `/v1.1/DOMAIN` (the ISPDB layout) and `/autodiscover/autodiscover.json/v1.0/ADDRESS`.
    static func prefixed(_ path: String) -> (Route, String)? {
        if path.hasPrefix("/v1.1/"), path.count > 6 {
            return (Route(name: "ispdb", method: .get) { r, req throws(RequestChecks.Refusal) in
                try r.thunderbird(req, domainFromPath: String(path.dropFirst(6)))
            }, "")
        }
        let json = "/autodiscover/autodiscover.json/v1.0/"
        if path.hasPrefix(json), path.count > json.count {
            return (Route(name: "autodiscover-json", method: .get) { r, req throws(RequestChecks.Refusal) in
                try r.autodiscoverJSON(req, pathAddress: String(path.dropFirst(json.count)))
            }, "")
        }
        return nil
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        var request = request
        let path = request.uri.path.lowercased()
        let route = Self.exact[path] ?? Self.prefixed(path)?.0
        var answer: Answer
        var name = route?.name ?? "other"
        if let route {
            let method = request.method == .head ? .get : request.method
            if method == route.method {
                do { answer = try await route.handler(self, &request) } catch {
                    answer = .text(HTTPResponse.Status(code: error.status), error.message)
                }
            } else {
                answer = .text(.methodNotAllowed, "use \(route.method.rawValue) for \(path)")
                answer.extraHeaders.append((.allow, route.method.rawValue))
            }
        } else {
            name = "other"
            answer = .text(.notFound, "not an autoconfig or autodiscover URL")
        }

        var headers = HTTPFields()
        headers[.contentType] = answer.contentType
        for (k, v) in answer.extraHeaders { headers[k] = v }
        var status = answer.status
        var body = answer.body
        if answer.status == .ok, let etag = answer.etag {
            headers[.eTag] = etag
            if answer.cacheable { headers[.cacheControl] = "public, max-age=\(configuration.maxAge)" }
            if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: {
                let tag = $0.trimmingCharacters(in: .whitespaces)
                return tag == etag || tag == "W/" + etag || tag == "*"
            }) {
                status = .notModified
                body = ByteBuffer()
            }
        } else {
            headers[.cacheControl] = "no-store"
        }
        if request.method == .head { body = ByteBuffer() }
        let seconds = (ContinuousClock.now - started).seconds
        metrics.record(endpoint: name, status: status.code, seconds: seconds)
        let who = configuration.logAddresses ? (answer.address ?? answer.domain ?? "-") : (answer.domain ?? "-")
        if configuration.accessLog { logger.info("\(name) \(who) \(status.code) \(String(format: "%.3f", seconds * 1000)) ms") }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    // MARK: - Endpoints

    /// The address from `?emailaddress=` when given, and the domain it or the Host names.
    func addressAndDomain(_ request: Request, parameter: String = "emailaddress") throws(RequestChecks.Refusal) -> (EmailAddress?, String) {
        if let raw = request.uri.queryParameters[parameter[...]] {
            let address = try RequestChecks.address(raw, parameter: parameter)
            return (address, address.domain)
        }
        return (nil, try RequestChecks.domain(fromHost: request.head.authority))
    }

    func unknown(_ domain: String) -> RequestChecks.Refusal {
        RequestChecks.Refusal(status: 404, message: "no mail settings for \(domain) on this server")
    }

    func thunderbird(_ request: Request, domainFromPath: String?) throws(RequestChecks.Refusal) -> Answer {
        let domain: String
        var address: EmailAddress?
        if let domainFromPath {
            domain = try RequestChecks.domain(domainFromPath, what: "the domain in the path")
        } else {
            (address, domain) = try addressAndDomain(request)
        }
        let body: CachedBody?
        do { body = try store.thunderbird(for: domain) } catch {
            throw RequestChecks.Refusal(status: 404, message: "\(domain) has no settings a Thunderbird file can carry: \(error.message)")
        }
        guard let body else { throw unknown(domain) }
        return Answer(contentType: "application/xml; charset=utf-8", body: body.buffer, etag: body.etag,
                      domain: domain, address: address?.description)
    }

    func mobileconfig(_ request: Request) throws(RequestChecks.Refusal) -> Answer {
        let (address, domain) = try addressAndDomain(request)
        guard let provider = store.provider(for: domain) else { throw unknown(domain) }
        let text: String
        do { text = try ExportFormat.mobileconfig.render(provider, address: address) } catch {
            throw RequestChecks.Refusal(status: 404, message: "no mail profile for \(domain): \(error.message)")
        }
        let body = CachedBody(text)
        return Answer(contentType: "application/x-apple-aspen-config", body: body.buffer, etag: body.etag, domain: domain,
                      address: address?.description,
                      extraHeaders: [(.contentDisposition, "attachment; filename=\"\(domain).mobileconfig\"")])
    }

    static let requestNamespace = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"

    func autodiscover(_ request: inout Request) async throws(RequestChecks.Refusal) -> Answer {
        let limit = configuration.maxRequestBody
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw RequestChecks.Refusal(status: 413, message: "the request body is over \(limit / 1024) KiB")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: limit) } catch {
            throw RequestChecks.Refusal(status: 413, message: "the request body is over \(limit / 1024) KiB")
        }
        let root: XElement
        do { root = try SafeXMLParser.parse(Array(buffer.readableBytesView), source: "request") } catch {
            throw RequestChecks.Refusal(status: 400, message: "the request is not a readable Autodiscover XML body (\(error.kind.rawValue))")
        }
        let ns = Self.requestNamespace
        guard root.name == "Autodiscover", root.namespaceURI == ns,
              let req = root.elements(named: "Request", namespace: ns).first,
              let raw = req.elements(named: "EMailAddress", namespace: ns).first?.text else {
            throw RequestChecks.Refusal(status: 400, message: "expected <Autodiscover><Request><EMailAddress> in the Outlook request schema")
        }
        if let schema = req.elements(named: "AcceptableResponseSchema", namespace: ns).first?.text,
           schema.trimmingCharacters(in: .whitespacesAndNewlines) != AutodiscoverExport.outlookNamespace {
            throw RequestChecks.Refusal(status: 400, message: "only the Outlook response schema (2006a) is served")
        }
        let address = try RequestChecks.address(raw.trimmingCharacters(in: .whitespacesAndNewlines)[...], parameter: "EMailAddress")
        guard let provider = store.provider(for: address.domain) else { throw unknown(address.domain) }
        let text: String
        do { text = try ExportFormat.autodiscover.render(provider, address: address) } catch {
            throw RequestChecks.Refusal(status: 404, message: "no Autodiscover answer for \(address.domain): \(error.message)")
        }
        return Answer(contentType: "application/xml; charset=utf-8", body: ByteBuffer(string: text), cacheable: false,
                      domain: address.domain, address: address.description)
    }

    /// Autodiscover v2: which URL answers a protocol for an address. Only AutodiscoverV1
    /// (the POX endpoint above) is served.
    func autodiscoverJSON(_ request: Request, pathAddress: String?) throws(RequestChecks.Refusal) -> Answer {
        let raw: Substring
        if let pathAddress {
            raw = (pathAddress.removingPercentEncoding ?? pathAddress)[...]
        } else {
            guard let q = request.uri.queryParameters["Email"] ?? request.uri.queryParameters["email"] else {
                throw RequestChecks.Refusal(status: 400, message: "give the address as ?Email=you@example.com")
            }
            raw = q
        }
        let address = try RequestChecks.address(raw, parameter: "Email")
        let proto = request.uri.queryParameters["Protocol"] ?? request.uri.queryParameters["protocol"] ?? ""
        struct Found: Encodable { var `Protocol`: String; var Url: String }
        struct Failure: Encodable { var ErrorCode: String; var ErrorMessage: String }
        var answer = Answer(contentType: "application/json; charset=utf-8", cacheable: false,
                            domain: address.domain, address: address.description)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if proto.lowercased() != "autodiscoverv1" {
            answer.status = .badRequest
            answer.body = ByteBuffer(bytes: (try? encoder.encode(Failure(ErrorCode: "InvalidProtocol",
                ErrorMessage: "The given protocol value is invalid. Supported values are 'AutodiscoverV1'."))) ?? Data())
            return answer
        }
        guard store.provider(for: address.domain) != nil else {
            answer.status = .notFound
            answer.body = ByteBuffer(bytes: (try? encoder.encode(Failure(ErrorCode: "NotFound", ErrorMessage: "no mail settings for \(address.domain) on this server"))) ?? Data())
            return answer
        }
        let base = configuration.publicBaseURL ?? "https://autodiscover.\(address.domain)"
        answer.body = ByteBuffer(bytes: (try? encoder.encode(Found(Protocol: "AutodiscoverV1", Url: base + "/autodiscover/autodiscover.xml"))) ?? Data())
        return answer
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
