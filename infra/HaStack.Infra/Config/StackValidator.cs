using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using HaStack.Infra.Stack;

namespace HaStack.Infra.Config;

/// <summary>
/// Every rule that can be checked without a host. All problems are reported at once, each naming the key, the
/// value and the fix. Rule names are stable: tests and users can refer to them.
/// </summary>
internal static partial class StackValidator
{
    /// <summary>Settings HaStack derives itself; set in postgres.parameters they would fight Patroni or the topology.</summary>
    private static readonly Dictionary<string, string> ManagedParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["port"] = "hastack:postgres.port",
        ["listen_addresses"] = "the hosts' addresses (HaStack listens on each host's address and localhost)",
        ["data_directory"] = "HaStack's data directory (/var/lib/postgresql/VERSION/main)",
        ["hba_file"] = "Patroni's pg_hba, which HaStack generates",
        ["ident_file"] = "Patroni's defaults",
        ["config_file"] = "Patroni's defaults",
        ["synchronous_standby_names"] = "hastack:postgres.synchronousMode (Patroni sets it)",
        ["hot_standby"] = "Patroni (replicas need it on)",
        // Patroni's local settings win over these: set here, they would be shown as applied and do nothing
        ["ssl"] = "hastack:tls.enabled (PostgreSQL takes TLS with the host's certificate)",
        ["ssl_cert_file"] = "hastack:tls (the host's certificate)",
        ["ssl_key_file"] = "hastack:tls (the host's key)",
        ["ssl_ca_file"] = "hastack:tls (the cluster's CA)",
        ["unix_socket_directories"] = "Debian's /var/run/postgresql, which HaStack's own commands and PgBouncer connect through",
        ["password_encryption"] = "HaStack (scram-sha-256: every pg_hba line HaStack writes accepts scram only, so md5 passwords could not log in)",
        // not settings: directives of postgresql.conf, which Patroni writes itself
        ["include"] = "nothing: it is a directive of postgresql.conf, which Patroni writes, not a setting",
        ["include_dir"] = "nothing: it is a directive of postgresql.conf, which Patroni writes, not a setting",
        ["include_if_exists"] = "nothing: it is a directive of postgresql.conf, which Patroni writes, not a setting",
    };

    /// <summary>
    /// Settings that give up HaStack's promise that no acknowledged write is lost, and what each gives up: refused
    /// unless the stack says postgres.acceptDataLoss: true, and then warned about.
    /// </summary>
    private static string? DataLossOf(string name, string value, StackConfig config) => (name.ToLowerInvariant(), value.ToLowerInvariant()) switch
    {
        ("fsync", "off" or "false" or "0" or "no") => "a crash of the host can corrupt the data directory and lose acknowledged writes",
        ("full_page_writes", "off" or "false" or "0" or "no") => "a crash of the host can leave torn pages that recovery cannot repair",
        ("synchronous_commit", "off") => "a commit is acknowledged before it is on disk anywhere: a crash loses the last acknowledged writes",
        ("synchronous_commit", "local") when config.Postgres.SynchronousMode != SynchronousMode.Off =>
            "a commit is acknowledged before the synchronous standby has it: a failover loses acknowledged writes despite synchronousMode",
        _ => null,
    };

    /// <summary>Roles HaStack creates for itself; an application user may not take their names.</summary>
    public static readonly IReadOnlySet<string> ReservedRoles = new HashSet<string>(StringComparer.Ordinal)
    {
        "postgres", "replicator", "rewind_user", "pgbouncer_auth", "public",
    };

    /// <summary>Upper bounds on lists: well past any real cluster, and far from what rendering or a host could not take.</summary>
    public const int MaxHosts = 64;
    public const int MaxUsers = 5000;
    public const int MaxDatabases = 5000;

    public static IEnumerable<Diagnostic> Validate(StackConfig config, IReadOnlyDictionary<string, SourceLocation> locations)
    {
        var ns = config.Project + ":";
        var found = new List<Diagnostic>();

        void Report(Severity severity, string rule, string key, object? value, string problem, string fix)
        {
            var fullKey = ns + key;
            var at = locations.GetValueOrDefault(fullKey);
            // a default has no line of its own: point at the nearest written ancestor
            for (var parent = fullKey; at == default && parent.Length > 0;)
            {
                var cut = Math.Max(parent.LastIndexOf('.'), parent.LastIndexOf('['));
                parent = cut > 0 ? parent[..cut] : "";
                at = locations.GetValueOrDefault(parent);
            }
            var diagnostic = new Diagnostic(severity, rule, fullKey, value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture),
                problem, fix, at == default ? null : at);
            // a rule checked per host says the same thing of every host: once is enough
            if (!found.Contains(diagnostic))
                found.Add(diagnostic);
        }
        void Error(string rule, string key, object? value, string problem, string fix) => Report(Severity.Error, rule, key, value, problem, fix);
        void Warn(string rule, string key, object? value, string problem, string fix) => Report(Severity.Warning, rule, key, value, problem, fix);

        if (config.Hosts.Count == 0 && locations.ContainsKey(ns + "hosts"))
            Error("hosts-none", "hosts", "[]", "lists no hosts: there is nothing to deploy onto", "list the hosts (name, address, roles); a cluster needs at least 3");
        CheckHosts(config, Error);
        CheckRoles(config, Error, Warn);
        CheckVip(config, Error);
        CheckPorts(config, Error);
        CheckPostgres(config, Error, Warn);
        CheckPatroni(config, Error);
        CheckPgBouncer(config, Error);
        CheckSsh(config, Error);
        CheckTls(config, Error, Warn);
        foreach (var (key, seconds) in new[] { ("verify.vipMoveTimeoutSeconds", config.Verify.VipMoveTimeoutSeconds), ("verify.sqlTimeoutSeconds", config.Verify.SqlTimeoutSeconds) })
        {
            if (seconds is < 1 or > 3600)
                Error("verify-timeout", key, seconds, "must be 1-3600 seconds", "leave it out for the default, or give a whole number of seconds");
        }
        return found;
    }

    private delegate void Reporter(string rule, string key, object? value, string problem, string fix);

    private static void CheckTls(StackConfig config, Reporter error, Reporter warn)
    {
        var tls = config.Tls;
        if (!tls.Enabled)
            warn("tls-disabled", "tls.enabled", "false", "etcd, Patroni's REST API, PostgreSQL and PgBouncer talk in plaintext and etcd asks no certificate: whoever reaches a host's etcd port can take the leader lock",
                "leave it out (TLS on) unless the network between the hosts and to the clients is protected otherwise");
        if (tls.CertificateDays is < 1 or > TlsSettings.GeneratedCaDays)
            error("tls-validity", "tls.certificateDays", tls.CertificateDays, $"must be 1-{TlsSettings.GeneratedCaDays} days",
                "leave it out for a year, or give the days a host certificate lasts");
        else if (tls.RenewDaysBefore < 0 || tls.RenewDaysBefore >= tls.CertificateDays)
            error("tls-renewal", "tls.renewDaysBefore", tls.RenewDaysBefore, $"must be 0 or more and less than tls.certificateDays ({tls.CertificateDays})",
                "give the days before a certificate's end at which up issues a new one, such as 30");
        if (tls.CaCertificate is null != tls.CaKey is null)
        {
            var (missing, given) = tls.CaKey is null ? ("tls.caKey", "tls.caCertificate") : ("tls.caCertificate", "tls.caKey");
            error("tls-ca-pair", missing, null, $"is missing while {given} is given: the CA needs its certificate and its key",
                $"give both (the key as a secret: hastack config set --secret {missing}), or neither for a CA HaStack generates");
            return;
        }
        if (tls.CaCertificate is null || tls.CaKey is null)
            return;
        var blocks = tls.CaCertificate.Split("-----BEGIN ", StringSplitOptions.None).Length - 1;
        if (blocks != 1)
        {
            error("tls-ca-one-certificate", "tls.caCertificate", null, $"holds {blocks} PEM blocks; HaStack would use the first and drop the rest",
                "give the CA's own certificate alone (an intermediate's chain is not supported)");
            return;
        }
        try
        {
            var authority = Tls.CertificateAuthority.Load(new Tls.PemPair(tls.CaCertificate, tls.CaKey.Reveal()));
            if (authority.NotAfter < DateTimeOffset.UtcNow.AddDays(tls.RenewDaysBefore + 1))
                warn("tls-ca-expiry", "tls.caCertificate", null, $"the CA ends on {authority.NotAfter:yyyy-MM-dd}: host certificates it signs end with it",
                    "renew the CA and give the new certificate and key");
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            error("tls-ca", "tls.caCertificate", null, $"cannot serve as the cluster's CA: {e.Message}",
                "give a CA certificate (CA:true, keyCertSign) in PEM and its ECDSA private key in PEM (PKCS#8 or SEC1)");
        }
    }

    private static void CheckHosts(StackConfig config, Reporter error)
    {
        if (config.Hosts.Count > MaxHosts)
            error("too-many", "hosts", config.Hosts.Count, $"lists more than {MaxHosts} hosts", "one HaStack stack is one cluster; split larger fleets into stacks");
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var addresses = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < config.Hosts.Count; i++)
        {
            var host = config.Hosts[i];
            var key = $"hosts[{i}]";
            if (host.Name.Length > 0 && !Names.HostName().IsMatch(host.Name))
                error("host-name", $"{key}.name", host.Name, "is not a valid host name (it names the etcd member and the Patroni member)",
                    "use lower-case letters, digits and '-', starting with a letter, at most 63 characters");
            if (host.Name.Length > 0 && !names.TryAdd(host.Name, i))
                error("duplicate-host-name", $"{key}.name", host.Name, $"is also the name of hosts[{names[host.Name]}]",
                    "give every host its own name (etcd and Patroni refuse two members with one name)");
            if (host.Address.Length > 0 && !IsIpv4(host.Address))
                error("host-address", $"{key}.address", host.Address, "is not an IPv4 address in dotted-quad form",
                    "write the address the other hosts reach it at, e.g. 10.0.0.11, without leading zeros (etcd, Patroni and VRRP peers use it)");
            else if (host.Address.Length > 0 && NotUnicast(host.Address) is { } kind)
                error("host-address-not-unicast", $"{key}.address", host.Address, $"is {kind}, not a host's address",
                    "write the unicast address the other hosts reach it at, e.g. 10.0.0.11");
            else if (host.Address.Length > 0 && !addresses.TryAdd(host.Address, i))
                error("duplicate-host-address", $"{key}.address", host.Address, $"is also the address of hosts[{addresses[host.Address]}]",
                    "list each machine once; give it several roles instead");
            if (host.Roles.Count == 0)
                error("host-no-roles", $"{key}.roles", "[]", "gives the host nothing to run", "give it one or more of etcd, db, proxy, or remove the host");
            if (host.SshPort is < 0 or > 65535)
                error("port-range", $"{key}.sshPort", host.SshPort, "is not a TCP port", "use 1-65535, or leave it out for hastack:ssh.port");
            if (host.SshUser is { } user && !Names.UnixUser().IsMatch(user))
                error("ssh-user", $"{key}.sshUser", user, "is not a login name", "use the user's name as in /etc/passwd: lower-case letters, digits, '_' and '-'");
            if (host.HostKey is { } pinned && !Names.HostKey().IsMatch(pinned))
                error("host-key-format", $"{key}.hostKey", pinned, "is neither a public key nor a SHA256 fingerprint",
                    "paste the key as ssh-keyscan prints it (ssh-ed25519 AAAA...) or its fingerprint (SHA256:...)");
        }
    }

    private static void CheckRoles(StackConfig config, Reporter error, Reporter warn)
    {
        var db = config.HostsWith(HostRole.Db).Count();
        if (config.Hosts.Count > 0 && db < 2)
            error("db-hosts-too-few", "hosts", db, "database host(s): with fewer than 2 there is no replica to fail over to",
                "give the db role to at least 2 hosts (3 lets a synchronous replica survive one failure)");
        var etcd = config.HostsWith(HostRole.Etcd).Count();
        if (config.Hosts.Count > 0 && etcd == 0)
            error("etcd-none", "hosts", 0, "hosts have the etcd role; Patroni needs etcd to hold its leader lock",
                "give the etcd role to 3 hosts (or 5)");
        else if (etcd is 1 or 2)
            warn("etcd-quorum", "hosts", etcd, $"etcd member(s) cannot lose one without losing quorum, and with it every write",
                "give the etcd role to 3 hosts");
        else if (etcd > 0 && etcd % 2 == 0)
            warn("etcd-even", "hosts", etcd, "etcd members tolerate no more failures than one member fewer, and add a vote to lose",
                etcd > 7 ? "use 3 or 5 etcd members (each one more adds latency to every write)" : $"use {etcd - 1} or {etcd + 1} etcd members");
        var vipHosts = config.VipHosts.Count;
        var layerRole = config.VipRole.ToString().ToLowerInvariant();
        if (config.Hosts.Count > 0 && vipHosts < 2)
            error("vip-layer-too-few", "vip.floatsOver", config.Vip.FloatsOver.ToString().ToLowerInvariant(),
                $"floats the VIP over {vipHosts} host(s) with the {layerRole} role; one host holding it is exactly the single point of failure HaStack removes",
                $"give the {layerRole} role to at least 2 hosts");
    }

    private static void CheckVip(StackConfig config, Reporter error)
    {
        var vip = config.Vip;
        var placement = config.PgBouncer.Placement;
        // measured in the lab: after the proof moved the VIP to a replica's host, writes through it landed on that replica
        if (vip.FloatsOver == VipLayer.Pgbouncer && placement == PoolerPlacement.Database)
            error("vip-pgbouncer-layer", "vip.floatsOver", "pgbouncer",
                "puts the VIP on the database hosts' PgBouncers (pgbouncer.placement: database), each in front of its own PostgreSQL: once the VIP moves to a replica's host, writes through it go to a replica",
                "set pgbouncer.placement: proxy (PgBouncer on the proxies, in front of HAProxy), or float the VIP over haproxy or database");
        if (vip.FloatsOver == VipLayer.Database && placement == PoolerPlacement.Proxy)
            error("vip-database-pooler-proxy", "pgbouncer.placement", "proxy",
                "puts PgBouncer on the proxies while the VIP follows the primary (vip.floatsOver: database): clients at the VIP would reach PostgreSQL past every pooler",
                "float the VIP over haproxy or pgbouncer (the proxies), or keep pgbouncer.placement: database");
        var vipValid = IsIpv4(vip.Address);
        if (vip.Address.Length > 0 && !vipValid)
            error("vip-address", "vip.address", vip.Address, "is not an IPv4 address in dotted-quad form", "write ADDRESS/PREFIX, e.g. 10.0.0.100/24, without leading zeros");
        else if (vipValid && NotUnicast(vip.Address) is { } kind)
        {
            error("vip-address-not-unicast", "vip.address", vip.Address, $"is {kind}: clients cannot connect to it", "pick an unused unicast address in the hosts' subnet");
            vipValid = false;
        }
        if (vip.PrefixLength == -1 && vip.Address.Length > 0)
            error("vip-prefix", "vip.address", vip.Address, "has no prefix length", "add the subnet's prefix, e.g. /24, as the hosts' interface has it");
        else if (vip.PrefixLength is -2 or (< 1 and > -1) or > 32)
            error("vip-prefix", "vip.address", vip.Address, "has a prefix length outside 1-32", "write the prefix of the hosts' subnet, e.g. /24");
        if (vipValid && vip.PrefixLength is >= 1 and <= 32)
        {
            var holder = config.Hosts.Select((h, i) => (h, i)).FirstOrDefault(x => x.h.Address == vip.Address);
            if (holder.h is not null)
                error("vip-is-host-address", "vip.address", vip.Address, $"is the address of {holder.h.Name}; a host's own address cannot float",
                    "pick an unused address in the hosts' subnet");
            var (network, broadcast) = Subnet(vip.Address, vip.PrefixLength);
            if (vip.PrefixLength <= 30 && (Ip(vip.Address) == network || Ip(vip.Address) == broadcast))
                error("vip-network-address", "vip.address", vip.Address, "is the subnet's network or broadcast address", "pick an unused host address in the subnet");
            var outside = config.VipHosts.Where(h => IsIpv4(h.Address) && Subnet(h.Address, vip.PrefixLength).Network != network).ToList();
            if (outside.Count > 0 && vip.PrefixLength == 32)
                error("vip-prefix", "vip.address", vip.Address, "has prefix /32, a subnet of the VIP alone: no host is in it, and VRRP and gratuitous ARP work within the hosts' segment",
                    "write the prefix of the hosts' subnet, e.g. /24");
            else if (outside.Count > 0)
            {
                var hostSubnet = $"{FormatIp(Subnet(outside[0].Address, vip.PrefixLength).Network)}/{vip.PrefixLength}";
                error("vip-outside-subnet", "vip.address", vip.Address,
                    $"is not in the subnet of {string.Join(", ", outside.Select(h => $"{h.Name} ({h.Address})"))}, which must hold it ({hostSubnet}); VRRP and gratuitous ARP work within one segment",
                    $"pick an unused address in {hostSubnet}");
            }
        }
        if (vip.RouterId is < 1 or > 255)
            error("router-id-range", "vip.routerId", vip.RouterId, "is not a VRRP router id", "use 1-255, unique among the VRRP groups on this network segment");
        if (vip.VrrpVersion is not (2 or 3))
            error("vrrp-version", "vip.vrrpVersion", vip.VrrpVersion, "is not a VRRP version HaStack speaks", "use 3 (RFC 9568), or 2 (RFC 3768) for old peers");
        else if (vip.VrrpVersion == 2 && (vip.AdvertInterval is < 1 or > 255 || vip.AdvertInterval != decimal.Truncate(vip.AdvertInterval)))
            error("advert-interval-range", "vip.advertInterval", vip.AdvertInterval, "is not a VRRPv2 interval (whole seconds 1-255)",
                "use a whole number of seconds, or vrrpVersion 3 for sub-second intervals");
        else if (vip.VrrpVersion == 3 && (vip.AdvertInterval is < 0.01m or > 40.95m || vip.AdvertInterval * 100 != decimal.Truncate(vip.AdvertInterval * 100)))
            error("advert-interval-range", "vip.advertInterval", vip.AdvertInterval, "is not a VRRPv3 interval (0.01-40.95 s in hundredths)",
                "use e.g. 0.1 (fast failover) or 1");
        if (vip.AuthPassword is { } pass)
        {
            if (vip.VrrpVersion == 3)
                error("vrrp-auth-v3", "vip.authPassword", "[secret]", "is set, but VRRPv3 has no authentication (RFC 9568 removed it)",
                    "remove it, or use vrrpVersion 2 to talk to peers that need auth_type PASS");
            else if (pass.Reveal().Length is 0 or > 8)
                error("vrrp-auth-length", "vip.authPassword", "[secret]", "must be 1-8 characters (VRRPv2's simple password field is 8 bytes)",
                    "set a password of at most 8 characters");
            else if (!VrrpPasswordPattern().IsMatch(pass.Reveal()))
                error("vrrp-auth-characters", "vip.authPassword", "[secret]",
                    "holds a character keepalived's config syntax cannot carry in a word (a space, '#', '!', a quote, a brace or a backslash)",
                    "use letters, digits and punctuation other than those");
        }
        if (!HaStack.Vrrp.Config.InterfaceName.IsValid(vip.Interface))
            error("interface-name", "vip.interface", vip.Interface, $"is not a Linux interface name: {HaStack.Vrrp.Config.InterfaceName.Rule}", "write the interface that holds the hosts' addresses, e.g. eth0");
    }

    private static void CheckPorts(StackConfig config, Reporter error)
    {
        foreach (var host in config.Hosts)
        {
            var used = new Dictionary<int, string>();
            // sshd listens there too: a service on its port would not start, or would take HaStack's own way in
            var ssh = host.SshPort > 0 ? host.SshPort : config.Ssh.Port;
            if (ssh is >= 1 and <= 65535)
                used[ssh] = host.SshPort > 0 ? $"hosts[{config.Hosts.ToList().IndexOf(host)}].sshPort" : "ssh.port";
            foreach (var (port, key) in PortsOf(config, host))
            {
                if (port is < 1 or > 65535)
                    error("port-range", key, port, "is not a TCP port", "use 1-65535");
                else if (port < 1024 && UnprivilegedPortKeys.Contains(key))
                    error("port-privileged", key, port, "is below 1024, which the service cannot bind: it runs as an unprivileged user (postgres or etcd)", "use a port from 1024 up");
                else if (used.TryGetValue(port, out var other))
                    error("port-clash", key, port, other == "ssh.port" ? "is also ssh.port, where sshd listens on every host" : $"is also {other} on {host.Name}",
                        "give each service on a host its own port");
                else
                    used[port] = key;
            }
        }
    }

    /// <summary>Ports of services that run as postgres or etcd, which cannot bind below 1024.</summary>
    private static readonly HashSet<string> UnprivilegedPortKeys = new(StringComparer.Ordinal)
    {
        "postgres.port", "patroni.restPort", "pgbouncer.port", "etcd.clientPort", "etcd.peerPort",
    };

    /// <summary>The ports a host listens on, by the key that sets each (from the components it runs).</summary>
    public static IEnumerable<(int Port, string Key)> PortsOf(StackConfig config, HostConfig host) =>
        Catalogue.Components.On(config, host).SelectMany(c => c.Ports).Select(p => (p.Of(config), p.Key));

    /// <summary>The least a derived setting may be, and why: below it the cluster cannot replicate or serve.</summary>
    private static (long Minimum, string Why)? ParameterFloor(string name, StackConfig config) => name.ToLowerInvariant() switch
    {
        "max_wal_senders" => (config.HostsWith(HostRole.Db).Count(), "each replica streams through one sender, and a rewind or a backup takes another"),
        "max_replication_slots" => (config.HostsWith(HostRole.Db).Count(), "Patroni keeps a slot for each member"),
        "max_connections" => (20, "PostgreSQL reserves some for superusers, and Patroni, the replicas and PgBouncer's pools need the rest"),
        _ => null,
    };

    public const int MaxPatroniSeconds = 3600;

    /// <summary>An hour: far past any real connect, and within what SSH.NET's timeout takes.</summary>
    public const int MaxSshConnectTimeoutSeconds = 3600;

    public const int MinPostgresVersion = 13, MaxPostgresVersion = 17;

    private static void CheckPostgres(StackConfig config, Reporter error, Reporter warn)
    {
        var pg = config.Postgres;
        if (pg.Version is < MinPostgresVersion or > MaxPostgresVersion)
            error("postgres-version", "postgres.version", pg.Version, "is not a PostgreSQL major version HaStack deploys",
                "use 13-17, or remove it for the one the hosts' Debian ships (12: 15, 13: 17); others come from apt.postgresql.org");
        foreach (var (name, value) in pg.Parameters)
        {
            if (!ParameterNamePattern().IsMatch(name) || name.Length > 63)
                error("postgres-parameter-name", $"postgres.parameters.{name}", name, "is not a PostgreSQL setting name",
                    "write the name as SHOW lists it: letters, digits and '_' (an extension's as class.name), at most 63 characters");
            else if (ManagedParameters.TryGetValue(name.ToLowerInvariant(), out var owner))
                error("postgres-managed-parameter", $"postgres.parameters.{name}", name, "is set by HaStack itself", $"remove it; it comes from {owner}");
            else if (DataLossOf(name, value, config) is { } givenUp)
            {
                if (pg.AcceptDataLoss)
                    warn("postgres-data-loss", $"postgres.parameters.{name}", value, $"gives up HaStack's promise that no acknowledged write is lost: {givenUp}", "accepted because postgres.acceptDataLoss is true");
                else
                    error("postgres-data-loss", $"postgres.parameters.{name}", value, $"would lose acknowledged writes: {givenUp}",
                        "remove it; or, if this cluster's data may be lost, also set postgres.acceptDataLoss: true");
            }
            else if (ParameterFloor(name, config) is { } floor && !(long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= floor.Minimum))
                error("postgres-parameter-too-low", $"postgres.parameters.{name}", value, $"must be a whole number of at least {floor.Minimum}: {floor.Why}", $"use {floor.Minimum} or more, or remove it");
            else if (name.Equals("wal_level", StringComparison.OrdinalIgnoreCase) && value.Equals("minimal", StringComparison.OrdinalIgnoreCase))
                error("postgres-parameter-breaks-replication", $"postgres.parameters.{name}", value, "keeps no WAL for replicas: none could stream, and Patroni refuses it", "remove it (replica), or use logical");
            if (value.Length > 4096)
                error("postgres-parameter-value", $"postgres.parameters.{name}", value[..40] + "...", $"is {value.Length} characters long", "PostgreSQL settings are short; check the value");
        }
        if (pg.Users.Count > MaxUsers)
            error("too-many", "postgres.users", pg.Users.Count, $"lists more than {MaxUsers} users", "manage that many roles in the database itself, not in the stack file");
        if (pg.Databases.Count > MaxDatabases)
            error("too-many", "postgres.databases", pg.Databases.Count, $"lists more than {MaxDatabases} databases", "manage that many databases in the database itself, not in the stack file");
        if (pg.SynchronousMode == SynchronousMode.Strict && config.HostsWith(HostRole.Db).Count() == 2)
            warn("synchronous-strict-two-hosts", "postgres.synchronousMode", "strict",
                "with 2 database hosts stops every write while the replica is down", "use 3 database hosts, or synchronousMode: on");
        // the hosts say their release at preview and up (with the same warning); here only a release the stack names
        if (config.DeclaredRelease?.SynchronousPromotionGap is { } gap && pg.SynchronousMode != SynchronousMode.Off && config.HostsWith(HostRole.Db).Count() > 1)
            warn("synchronous-promotion-gap", "debianRelease", config.DeclaredRelease.Number, gap,
                "move the hosts to Debian 13, or accept it (synchronousMode: off trades it for losing acknowledged writes)");
        var users = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < pg.Users.Count; i++)
        {
            var name = pg.Users[i].Name;
            if (name.Length == 0)
                continue;
            if (!Names.SqlIdentifier().IsMatch(name))
                error("role-name", $"postgres.users[{i}].name", name, "is not a plain PostgreSQL role name",
                    "use lower-case letters, digits and '_', starting with a letter or '_', at most 63 characters");
            else if (ReservedRoles.Contains(name) || name.StartsWith("pg_", StringComparison.Ordinal))
                error("role-reserved", $"postgres.users[{i}].name", name, "is a role HaStack or PostgreSQL creates itself", "pick another name");
            else if (SqlKeywords.RoleProblem(name) is { } keyword)
                error("role-keyword", $"postgres.users[{i}].name", name, keyword, "pick another name (e.g. add a prefix: app_user)");
            if (!users.Add(name))
                error("duplicate-role", $"postgres.users[{i}].name", name, "is listed twice", "list each user once");
        }
        var databases = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < pg.Databases.Count; i++)
        {
            var db = pg.Databases[i];
            if (db.Name.Length == 0)
                continue;
            if (!Names.SqlIdentifier().IsMatch(db.Name))
                error("database-name", $"postgres.databases[{i}].name", db.Name, "is not a plain PostgreSQL database name",
                    "use lower-case letters, digits and '_', starting with a letter or '_'");
            else if (db.Name is "postgres" or "template0" or "template1")
                error("database-reserved", $"postgres.databases[{i}].name", db.Name, "exists in every cluster already", "pick another name");
            else if (SqlKeywords.DatabaseProblem(db.Name) is { } keyword)
                error("database-keyword", $"postgres.databases[{i}].name", db.Name, keyword, "pick another name (e.g. add a prefix: app_db)");
            if (!databases.Add(db.Name))
                error("duplicate-database", $"postgres.databases[{i}].name", db.Name, "is listed twice", "list each database once");
            if (db.Owner != "postgres" && !pg.Users.Any(u => u.Name == db.Owner))
                error("database-owner-unknown", $"postgres.databases[{i}].owner", db.Owner, "is not one of hastack:postgres.users",
                    "add the user under postgres.users, or leave owner out (postgres)");
        }
    }

    private static void CheckPatroni(StackConfig config, Reporter error)
    {
        var p = config.Patroni;
        if (p.Ttl < 20)
            error("patroni-ttl-min", "patroni.ttl", p.Ttl, "is below Patroni's minimum of 20 seconds", "use 20 or more");
        // an hour: a leader lock that outlives a dead primary that long is an outage, not a setting (and the sum
        // below stays far from int's end)
        foreach (var (key, value) in new[] { ("patroni.ttl", p.Ttl), ("patroni.loopWait", p.LoopWait), ("patroni.retryTimeout", p.RetryTimeout) })
            if (value > MaxPatroniSeconds)
                error("patroni-timer-max", key, value, $"is more than {MaxPatroniSeconds} seconds: a dead primary would keep the leader lock that long", "use Patroni's defaults (ttl 30, loopWait 10, retryTimeout 10) or close to them");
        if (p.LoopWait < 1 || p.RetryTimeout < 1)
            error("patroni-timer-min", p.LoopWait < 1 ? "patroni.loopWait" : "patroni.retryTimeout", Math.Min(p.LoopWait, p.RetryTimeout),
                "must be at least 1 second", "use the defaults (loopWait 1, retryTimeout 5) unless you have measured otherwise");
        if (p.LoopWait + 2L * p.RetryTimeout > p.Ttl && Math.Max(p.Ttl, Math.Max(p.LoopWait, p.RetryTimeout)) <= MaxPatroniSeconds)
            error("patroni-timing", "patroni.ttl", p.Ttl,
                $"is less than loopWait + 2 × retryTimeout ({p.LoopWait} + 2 × {p.RetryTimeout} = {p.LoopWait + 2L * p.RetryTimeout}): the leader lock could expire while the leader is still retrying, and two primaries follow",
                $"raise ttl to at least {p.LoopWait + 2L * p.RetryTimeout}, or lower loopWait/retryTimeout");
        if (p.MaximumLagOnFailover < 0)
            error("patroni-maximum-lag", "patroni.maximumLagOnFailover", p.MaximumLagOnFailover, "is negative", "give the bytes a replica may lag and still be promoted (default 1048576)");
        if (p.PrimaryStartTimeout is < 0 or > 86400)
            error("patroni-primary-start-timeout", "patroni.primaryStartTimeout", p.PrimaryStartTimeout, "must be 0-86400 seconds",
                "leave it out for Patroni's 300, or 0 to fail over at once (see the README before choosing 0 on Patroni 3.0.2)");
        if (!Names.Scope().IsMatch(p.Scope))
            error("patroni-scope", "patroni.scope", p.Scope, "is not a usable cluster name (it is a key prefix in etcd)", "use letters, digits, '-' and '_'");
    }

    private static void CheckPgBouncer(StackConfig config, Reporter error)
    {
        var b = config.PgBouncer;
        if (b.PoolMode is not ("session" or "transaction" or "statement"))
            error("pool-mode", "pgbouncer.poolMode", b.PoolMode, "is not a PgBouncer pool mode", "use transaction (default), session or statement");
        if (b.DefaultPoolSize < 1)
            error("pool-size", "pgbouncer.defaultPoolSize", b.DefaultPoolSize, "must be at least 1", "use the server connections per user and database (default 20)");
        else if (b.MaxClientConn < b.DefaultPoolSize)
            error("pool-size", "pgbouncer.maxClientConn", b.MaxClientConn, $"is below defaultPoolSize ({b.DefaultPoolSize})", "allow at least as many clients as server connections");
        if (b.ReservePoolSize < 0)
            error("pool-size", "pgbouncer.reservePoolSize", b.ReservePoolSize, "is negative", "use 0 or more");
    }

    private static void CheckSsh(StackConfig config, Reporter error)
    {
        if (!Names.UnixUser().IsMatch(config.Ssh.User))
            error("ssh-user", "ssh.user", config.Ssh.User, "is not a login name", "use the user's name as in /etc/passwd: lower-case letters, digits, '_' and '-'");
        if (config.Ssh.Port is < 1 or > 65535)
            error("port-range", "ssh.port", config.Ssh.Port, "is not a TCP port", "use 1-65535 (default 22)");
        if (string.IsNullOrEmpty(config.Ssh.PrivateKeyFile))
            error("ssh-key-missing", "ssh.privateKeyFile", "", "is empty: HaStack logs in by key only", "give the path of a private key the hosts accept");
        var unpinned = config.Hosts.Where(h => h.HostKey is null).Select(h => h.Name).ToList();
        if (string.IsNullOrEmpty(config.Ssh.KnownHostsFile) && unpinned.Count > 0)
            error("host-key-unpinned", "ssh.knownHostsFile", "", $"is empty and {string.Join(", ", unpinned)} pin no hostKey: their identity could not be checked",
                "set ssh.knownHostsFile, or a hostKey on every host");
        if (config.Ssh.ConnectTimeoutSeconds is < 1 or > MaxSshConnectTimeoutSeconds)
            error("ssh-timeout", "ssh.connectTimeoutSeconds", config.Ssh.ConnectTimeoutSeconds, $"must be 1-{MaxSshConnectTimeoutSeconds} seconds (a connect that waits longer waits for a host that is not there)", "use the default, 10");
    }

    /// <summary>
    /// An IPv4 address in canonical dotted-quad form only: .NET also reads 10.77.0.017 (octal 15) or 0x0a..., and
    /// such text would reach configs raw, where each program reads it its own way.
    /// </summary>
    public static bool IsIpv4(string text) =>
        IPAddress.TryParse(text, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork && ip.ToString() == text;

    /// <summary>What kind of address <paramref name="ipv4"/> (canonical) is when no host can own it, or null for a unicast one.</summary>
    public static string? NotUnicast(string ipv4) => (Ip(ipv4) >> 24) switch
    {
        0 => "in 0.0.0.0/8 (\"this network\")",
        >= 224 and <= 239 => "a multicast address (224.0.0.0/4)",
        >= 240 => Ip(ipv4) == uint.MaxValue ? "the broadcast address" : "in the reserved 240.0.0.0/4",
        _ => null,
    };

    private static uint Ip(string text) => BitConverter.ToUInt32(IPAddress.Parse(text).GetAddressBytes().Reverse().ToArray());

    private static string FormatIp(uint value) => new IPAddress(BitConverter.GetBytes(value).Reverse().ToArray()).ToString();

    private static (uint Network, uint Broadcast) Subnet(string address, int prefix)
    {
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        var ip = Ip(address);
        return (ip & mask, (ip & mask) | ~mask);
    }






    /// <summary>Whether <paramref name="name"/> has the shape of a PostgreSQL setting's (or a Patroni key's) name.</summary>
    public static bool IsParameterName(string name) => name.Length <= 63 && ParameterNamePattern().IsMatch(name);

    /// <summary>A PostgreSQL setting's name: a word, or an extension's class.name; PostgreSQL folds case.</summary>
    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?\z")]
    private static partial Regex ParameterNamePattern();

    /// <summary>What keepalived's config syntax carries as one word: printable ASCII without space, comment marks, quotes, braces or backslash.</summary>
    [GeneratedRegex(@"\A[A-Za-z0-9%&()*+,\-./:;<=>?@\[\]^_`|~]{1,8}\z")]
    private static partial Regex VrrpPasswordPattern();

}
