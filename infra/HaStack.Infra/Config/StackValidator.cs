using System.Globalization;
using System.Text.RegularExpressions;
using HaStack.Infra.Stack;

namespace HaStack.Infra.Config;

/// <summary>
/// Every rule that can be checked without a host. All problems are reported at once, each naming the key, the
/// value and the fix. Rule names are stable: tests and users can refer to them.
/// </summary>
internal static partial class StackValidator
{
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

    /// <summary>An hour: far past any real connect, and within what SSH.NET's timeout takes.</summary>
    public const int MaxSshConnectTimeoutSeconds = 3600;

    public const int MinPostgresVersion = 13, MaxPostgresVersion = 17;

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

    /// <summary>What keepalived's config syntax carries as one word: printable ASCII without space, comment marks, quotes, braces or backslash.</summary>
    [GeneratedRegex(@"\A[A-Za-z0-9%&()*+,\-./:;<=>?@\[\]^_`|~]{1,8}\z")]
    private static partial Regex VrrpPasswordPattern();
}
