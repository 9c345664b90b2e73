using System.Globalization;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Stack;

namespace HaStack.Infra.Config;

/// <summary>The stack file bound to the model: the config (null when any error was found) and every diagnostic.</summary>
internal sealed record StackLoadResult(StackConfig? Config, StackDocument Document, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>Turns a <see cref="StackDocument"/> into a <see cref="StackConfig"/>, with HaStack's defaults.</summary>
internal static class StackConfigBinder
{
    /// <summary>
    /// Binds and validates. <paramref name="passphrase"/> is asked for only when a secure value is met, and once.
    /// Nothing past this point runs on a stack with errors: <see cref="StackLoadResult.Config"/> is then null.
    /// </summary>
    public static StackLoadResult Load(StackDocument document, Func<string?> passphrase)
    {
        // a file that is missing or not YAML has nothing worth binding: its own error is the one to fix first
        if (document.Diagnostics.Any(d => d.Severity == Severity.Error))
            return new StackLoadResult(null, document, document.Diagnostics);
        var secrets = new SecureValueOpener(document, passphrase);
        var context = new BindingContext(document.StackFile, secrets.Open);
        var config = Bind(document, context);
        var diagnostics = new List<Diagnostic>(document.Diagnostics);
        diagnostics.AddRange(context.Diagnostics);
        diagnostics.AddRange(secrets.Diagnostics);
        diagnostics.AddRange(StackValidator.Validate(config, context.Locations));
        var ordered = diagnostics.OrderBy(d => d.Location?.File).ThenBy(d => d.Location?.Line ?? 0).ToList();
        return new StackLoadResult(ordered.Any(d => d.Severity == Severity.Error) ? null : config, document, ordered);
    }

    private static StackConfig Bind(StackDocument document, BindingContext context)
    {
        var ns = (document.ProjectName.Length == 0 ? "hastack" : document.ProjectName) + ":";
        var rootMap = new ConfigMap(document.Values.Select(kv => kv).ToList(), new SourceLocation(document.StackFile, 1));
        var root = new ConfigReader(rootMap, ns, context);

        var hosts = root.ObjectList("hosts", required: true).Select(BindHost).ToList();
        var ssh = BindSsh(root.Object("ssh"));
        var vip = BindVip(root.Object("vip"));
        var postgres = BindPostgres(root.Object("postgres"));
        var patroni = BindPatroni(root.Object("patroni"), $"{document.ProjectName}-{document.StackName}");
        var etcdReader = root.Object("etcd");
        var etcd = new EtcdSettings(etcdReader.Int("clientPort", 2379), etcdReader.Int("peerPort", 2380));
        etcdReader.Finish();
        var haproxyReader = root.Object("haproxy");
        var haproxy = new HaproxySettings(haproxyReader.Int("writePort", 5000), haproxyReader.Int("readPort", 5001), haproxyReader.Int("statsPort", 7000));
        haproxyReader.Finish();
        var pgb = root.Object("pgbouncer");
        var pgbouncer = new PgBouncerSettings(pgb.Int("port", 6432), pgb.String("poolMode", "transaction"), pgb.Int("defaultPoolSize", 20),
            pgb.Int("maxClientConn", 1000), pgb.Int("reservePoolSize", 5),
            pgb.Enum("placement", PoolerPlacement.Database));
        pgb.Finish();
        var verifyReader = root.Object("verify");
        var verify = new VerifySettings(verifyReader.Bool("enabled", true), verifyReader.Int("vipMoveTimeoutSeconds", 15), verifyReader.Int("sqlTimeoutSeconds", 30));
        verifyReader.Finish();
        var tlsReader = root.Object("tls");
        var tls = new TlsSettings(tlsReader.Int("certificateDays", TlsSettings.Default.CertificateDays),
            tlsReader.Int("renewDaysBefore", TlsSettings.Default.RenewDaysBefore), tlsReader.OptionalPem("caCertificate"), tlsReader.Secret("caKey", multiline: true),
            tlsReader.Bool("enabled", TlsSettings.Default.Enabled));
        tlsReader.Finish();
        var declared = root.OptionalInt("debianRelease");
        var declaredRelease = declared is { } number ? DebianReleases.ByNumber(number) : null;
        if (declared is { } asked && declaredRelease is null)
            root.Report("debian-release", root.Path + "debianRelease", asked.ToString(CultureInfo.InvariantCulture), "is not a Debian release HaStack deploys onto",
                $"use one of {DebianReleases.Known}, or remove it: HaStack reads the release from the hosts");
        root.Finish();
        return new StackConfig(document.ProjectName, document.StackName, hosts, ssh, vip, postgres, patroni, etcd, haproxy, pgbouncer, verify)
        {
            DeclaredRelease = declaredRelease,
            Release = declaredRelease ?? DebianReleases.Default,
            Tls = tls,
        };
    }

    private static HostConfig BindHost(ConfigReader r)
    {
        var roles = r.StringList("roles", ["etcd", "db", "proxy"]);
        var parsed = new List<HostRole>();
        foreach (var role in roles)
        {
            if (Enum.TryParse<HostRole>(role, ignoreCase: true, out var value) && !role.Any(char.IsDigit))
                parsed.Add(value);
            else
                r.Report("unknown-role", $"{r.Path}.roles", role, "is not a role", "use etcd, db and/or proxy");
        }
        var host = new HostConfig(r.String("name", "", required: true), r.String("address", "", required: true), r.Int("sshPort", 0),
            r.OptionalString("sshUser"), parsed.Distinct().ToList(), r.OptionalString("hostKey"));
        r.Finish();
        return host;
    }

    private static SshSettings BindSsh(ConfigReader r)
    {
        var user = r.String("user", "root");
        var settings = new SshSettings(user, r.String("privateKeyFile", "~/.ssh/id_ed25519"), r.String("knownHostsFile", "~/.ssh/known_hosts"),
            r.Bool("sudo", user != "root"), r.Int("port", 22), r.Int("connectTimeoutSeconds", 10));
        r.Finish();
        return settings;
    }

    private static VipSettings BindVip(ConfigReader r)
    {
        var address = r.String("address", "", required: true);
        var slash = address.IndexOf('/');
        var ip = slash < 0 ? address : address[..slash];
        var prefix = slash < 0 ? -1 : int.TryParse(address[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : -2;
        var version = r.Int("vrrpVersion", 3);
        // the VRID is unique per network segment; the VIP's last octet is the usual pick (autobase does the same)
        // (a VIP ending in .0 or .255 is refused for itself; its default id must not be refused on a key never written)
        var lastOctet = int.TryParse(ip.Split('.').Last(), NumberStyles.None, CultureInfo.InvariantCulture, out var o) && o is >= 1 and <= 254 ? o : 51;
        var vip = new VipSettings(ip, prefix, r.String("interface", "eth0"), r.Int("routerId", lastOctet), r.Enum("floatsOver", VipLayer.Haproxy),
            version, r.Decimal("advertInterval", version == 2 ? 1m : 0.1m), r.Bool("unicast", true), r.Bool("preempt", false),
            r.Int("statusPort", 9651), r.Secret("authPassword"));
        r.Finish();
        return vip;
    }

    private static PostgresSettings BindPostgres(ConfigReader r)
    {
        var users = r.ObjectList("users").Select(u =>
        {
            var user = new AppUser(u.String("name", "", required: true), u.Secret("password"));
            u.Finish();
            return user;
        }).ToList();
        var databases = r.ObjectList("databases").Select(d =>
        {
            var database = new AppDatabase(d.String("name", "", required: true), d.String("owner", "postgres"));
            d.Finish();
            return database;
        }).ToList();
        var settings = new PostgresSettings(r.OptionalInt("version"), r.Int("port", 5432), r.StringMap("parameters"),
            r.Enum("synchronousMode", SynchronousMode.On), users, databases, r.Bool("acceptDataLoss", false));
        r.Finish();
        return settings;
    }

    private static PatroniSettings BindPatroni(ConfigReader r, string defaultScope)
    {
        // loopWait 1: a crashed postmaster is noticed within a second; it does not make failover hastier (ttl decides
        // that) and cost no measurable CPU in the lab.
        // primaryStartTimeout 0: a crashed primary is handed to the synchronous standby at once (2.1-2.3 s in the lab,
        // against 5-8 s for Patroni 3.0.2's restart in place). Safe only because the standby Patroni names really is
        // synchronous: Patroni before 3.1.2 restarted beside a running PostgreSQL drops synchronous_standby_names
        // while /sync still names a standby (3 of 4 fault rounds lost a write that way), and the sync guard that
        // Patroni's unit starts (Components/Patroni/templates/patroni_sync_guard.py) repairs that within about 2 s.
        var settings = new PatroniSettings(r.String("scope", defaultScope), r.Int("ttl", 20), r.Int("loopWait", 1), r.Int("retryTimeout", 5),
            r.Long("maximumLagOnFailover", 1_048_576), r.Int("restPort", 8008),
            r.Int("primaryStartTimeout", 0));
        r.Finish();
        return settings;
    }
}
