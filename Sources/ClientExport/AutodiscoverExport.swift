import MailFormats
import MailSettings

/// The Autodiscover "POX" response Outlook reads for one address (Outlook response
/// schema 2006a): one Protocol block per incoming protocol, then SMTP.
public enum AutodiscoverExport {
    public static let responseNamespace = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
    public static let outlookNamespace = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"

    static func render(_ input: ExportInput) throws(ExportError) -> String {
        guard input.address != nil else {
            throw ExportError(.needsAddress, "an Autodiscover response answers for one address: give --email ADDRESS (or export for the address itself)")
        }
        var blocks: [(type: String, setting: ServerSetting)] = []
        if let imap = input.incoming(.imap) { blocks.append(("IMAP", imap)) }
        if let pop = input.incoming(.pop3) { blocks.append(("POP3", pop)) }
        if let smtp = input.outgoing { blocks.append(("SMTP", smtp)) }
        var values: [(type: String, fields: [(String, String)])] = []
        for (type, s) in blocks {
            let security = s.securityOrNone
            var fields: [(String, String)] = [
                ("Type", type),
                ("Server", try input.host(s)),
                ("Port", String(s.portNumber)),
                ("DomainRequired", "off"),
            ]
            if let login = try input.username(s) { fields.append(("LoginName", login)) }
            fields += [
                ("SPA", s.authentication.contains(.ntlm) ? "on" : "off"),
                ("SSL", security == .none ? "off" : "on"),
                ("Encryption", security == .tls ? "SSL" : security == .starttls ? "TLS" : "None"),
                ("AuthRequired", s.needsAuthentication ? "on" : "off"),
            ]
            if type == "SMTP" {
                fields += [("UsePOPAuth", "off"), ("SMTPLast", "off")]
            }
            values.append((type, fields))
        }
        try checkXMLText(values.flatMap { $0.fields.map(\.1) })

        let w = XMLWriter()
        w.start("Autodiscover")
        w.attribute("xmlns", responseNamespace)
        w.start("Response")
        w.attribute("xmlns", outlookNamespace)
        w.start("Account")
        w.element("AccountType", "email")
        w.element("Action", "settings")
        for block in values {
            w.start("Protocol")
            for (name, value) in block.fields { w.element(name, value) }
            w.end()
        }
        w.end()
        w.end()
        w.end()
        return w.finish()
    }

    /// The answer to a request for a response schema other than Outlook's (mobile sync,
    /// for Exchange ActiveSync): Autodiscover's error 601, "no provider for the requested
    /// schema" (MS-ASCMD 2.2.3.64, MS-OXDSCLI 2.2.4.1.1.3.1), in the generic response
    /// schema, as Exchange answers it. A client takes it to mean there is no ActiveSync
    /// here, and goes on to its other ways of finding IMAP and SMTP. The same for every
    /// address: it says nothing about who exists.
    public static func schemaNotServed() -> String {
        let w = XMLWriter()
        w.start("Autodiscover")
        w.attribute("xmlns", responseNamespace)
        w.start("Response")
        w.start("Error")
        w.element("ErrorCode", "601")
        w.element("Message", "No provider for the requested schema: only Outlook's IMAP, POP3 and SMTP settings (response schema 2006a) are served here")
        w.element("DebugData", "")
        w.end()
        w.end()
        w.end()
        return w.finish()
    }

    /// Refuses text no XML document can carry (control characters), naming it.
    static func checkXMLText(_ values: [String]) throws(ExportError) {
        if let bad = values.first(where: { !XMLWriter.isValidText($0) }) {
            throw ExportError(.unrepresentable, "the value \(String(reflecting: bad)) holds a control character no XML file can carry; fix it in the catalog")
        }
    }
}
