using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HaStack.Infra.Config;
using HaStack.Infra.Tls;

namespace HaStack.Infra.Graph;

/// <summary>
/// The cluster's CA: generated for the stack (<see cref="GivenCertificate"/> null) or the user's own, recorded by its
/// certificate in canonical PEM (public; its key stays a secret of the stack file).
/// </summary>
internal sealed partial record AuthorityInputs(string Stack, int Days, string? GivenCertificate) : ResourceInputs
{
    private const string Generated = "generated";
    private const string Given = "given";

    public static AuthorityInputs For(StackConfig config) => new(CertificateAuthority.Sanitized(config.Stack), TlsSettings.GeneratedCaDays,
        config.Tls.CaCertificate is { } pem ? X509Certificate2.CreateFromPem(pem).ExportCertificatePem() : null);

    /// <summary>What the host certificates name their issuer by: <c>generated</c>, or the given CA's SHA-256.</summary>
    public string Issuer => GivenCertificate is null ? Generated : CertificateFacts.Fingerprint(GivenCertificate);

    public override JsonObject ToJson() =>
        Json(("stack", Stack), ("days", Days), ("source", GivenCertificate is null ? Generated : Given), ("certificate", GivenCertificate));

    public static AuthorityInputs Parse(JsonObject inputs)
    {
        OnlyKeys(inputs, "stack", "days", "source", "certificate");
        var source = Text(inputs, "source");
        if (source is not (Generated or Given))
            throw new InvalidInputException("source", $"'{TextRules.Printable(source)}' is neither {Generated} nor {Given}");
        string? certificate = null;
        if (source == Given)
            certificate = Matching(inputs, "certificate", PemCertificate(), "one certificate in PEM");
        else if (Optional(inputs, "certificate") is not null)
            throw new InvalidInputException("certificate", "is recorded for a generated CA");
        return new AuthorityInputs(Matching(inputs, "stack", StackName(), "a stack name"), Whole(inputs, "days", 1, 36500), certificate);
    }

    [GeneratedRegex(@"\A[A-Za-z0-9._-]{1,100}\z")]
    private static partial Regex StackName();

    [GeneratedRegex(@"\A-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,76}\n){1,200}-----END CERTIFICATE-----\n?\z")]
    private static partial Regex PemCertificate();
}

/// <summary>
/// A host's certificate, for server and client authentication: the names it carries, how long it lasts, how close to
/// its end <c>up</c> issues a new one, and the CA it comes from (<see cref="AuthorityInputs.Issuer"/>), so that another
/// CA is another certificate.
/// </summary>
internal sealed record CertificateInputs(string Host, IReadOnlyList<string> DnsNames, IReadOnlyList<string> Addresses, int Days, int RenewDaysBefore, string Issuer)
    : ResourceInputs
{
    public static CertificateInputs For(StackConfig config, HostConfig host, AuthorityInputs authority)
    {
        var names = CertificateNames.For(config, host);
        return new CertificateInputs(host.Name, names.DnsNames, names.Addresses.Select(a => a.ToString()).ToList(),
            config.Tls.CertificateDays, config.Tls.RenewDaysBefore, authority.Issuer);
    }

    public CertificateNames Names => new(Host, DnsNames, Addresses.Select(IPAddress.Parse).ToList());

    public TimeSpan Validity => TimeSpan.FromDays(Days);

    public TimeSpan RenewalThreshold => TimeSpan.FromDays(RenewDaysBefore);

    public override JsonObject ToJson() => Json(("host", Host), ("dns", Strings(DnsNames)), ("addresses", Strings(Addresses)), ("days", Days),
        ("renewDaysBefore", RenewDaysBefore), ("issuer", Issuer));

    public static CertificateInputs Parse(JsonObject inputs)
    {
        OnlyKeys(inputs, "host", "dns", "addresses", "days", "renewDaysBefore", "issuer");
        var dns = TextList(inputs, "dns", Config.Names.HostName(), "a host name");
        var addresses = List(inputs, "addresses").Select(a => TextOf(a ?? throw new InvalidInputException("addresses", "holds null"), "addresses")).ToList();
        var badAddress = addresses.FirstOrDefault(a => !IPAddress.TryParse(a, out var parsed) || parsed.ToString() != a);
        if (badAddress is not null)
            throw new InvalidInputException("addresses", $"'{TextRules.Printable(badAddress)}' is not an IP address");
        var issuer = Text(inputs, "issuer");
        if (issuer != "generated" && !Config.Names.Sha256Hex().IsMatch(issuer))
            throw new InvalidInputException("issuer", $"'{TextRules.Printable(issuer)}' is neither generated nor a SHA-256 in hex");
        var days = Whole(inputs, "days", 1, TlsSettings.GeneratedCaDays);
        return new CertificateInputs(Matching(inputs, "host", Config.Names.HostName(), "a host name"), dns, addresses, days,
            Whole(inputs, "renewDaysBefore", 0, days - 1), issuer);
    }
}
