using System.Globalization;
using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;
using HaStack.Infra.Topology;
using Scriban;
using Scriban.Runtime;

namespace HaStack.Infra.Rendering;

/// <summary>
/// Templates (compiled in from each component folder's <c>templates/</c>) + topology → the files of every host. Deterministic: the same
/// topology gives the same bytes. Secrets are written as tokens (<see cref="SecretTokens"/>).
/// </summary>
internal static partial class StackRenderer
{
    /// <summary>The secrets the stack file itself holds, by the name their tokens use (the rest are generated).</summary>
    public static IReadOnlyDictionary<string, string> SecretsFromStack(StackConfig config)
    {
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var user in config.Postgres.Users.Where(u => u.Password is not null))
            secrets[SecretNames.User(user.Name)] = user.Password!.Reveal();
        if (config.Vip.AuthPassword is { } vrrp)
            secrets[SecretNames.VrrpAuth] = vrrp.Reveal();
        if (config.Tls.CaKey is { } caKey)
            secrets[Tls.TlsSecrets.CaKey] = caKey.Reveal();
        return secrets;
    }

    private static readonly string[] BuiltInDatabases = ["postgres", "template1"];

    public static string SqlSetupPath => Components.SqlSetup.Path;

    public static IReadOnlyList<RenderedFile> Render(ClusterTopology topology)
    {
        var files = new List<RenderedFile>();
        foreach (var plan in topology.Hosts)
        {
            var model = HostModel(topology, plan);
            foreach (var component in plan.Components)
            {
                model["service"] = component.Recovery is { } recovery
                    ? Obj(("unit", component.Unit), ("restart", recovery.Restart), ("delay", recovery.DelayText), ("why", recovery.Why))
                    : null;
                foreach (var file in component.FilesFor(topology.Config))
                    files.Add(new RenderedFile(plan.Name, file.Path, file.Mode, file.Owner, file.Group, RenderTemplate(file.Template, model), file.Effect, file.CheckAsAgentConfig));
            }
        }
        var sql = Components.SqlSetup;
        files.Add(new RenderedFile(null, sql.Path, sql.Mode, sql.Owner, sql.Group, RenderTemplate(sql.Template, ClusterModel(topology)), sql.Effect));
        return files;
    }

    private static ScriptObject ClusterModel(ClusterTopology topology)
    {
        var pg = topology.Config.Postgres;
        var model = new ScriptObject
        {
            ["users"] = pg.Users.Select(u => Obj(("name", u.Name), ("secret", SecretNames.User(u.Name)))).ToList(),
            // how the SQL setup knows the roles it made: one removed from the stack file later is found by it
            ["managed_role_comment"] = ManagedRoleComment,
            ["databases"] = pg.Databases.Select(d => Obj(("name", d.Name), ("owner", d.Owner))).ToList(),
            // template1 too, so a database created later by hand gets the lookup function and works through PgBouncer
            ["lookup_databases"] = BuiltInDatabases.Concat(pg.Databases.Select(d => d.Name)).ToList(),
        };
        return WithSecretFunction(model);
    }

    /// <summary>The comment on every role the stack's users made (a constant: it goes into SQL as a literal).</summary>
    public const string ManagedRoleComment = "a user of a HaStack stack file; NOLOGIN once removed from it";

    private static ScriptObject HostModel(ClusterTopology topology, HostPlan plan)
    {
        var c = topology.Config;
        // the client ports of every process on the VIP's path: the check opens each (the database layer asks Patroni)
        var checkPorts = topology.VipPath.Select(component => component == Components.Haproxy ? c.Haproxy.WritePort : c.PgBouncer.Port).ToList();
        var model = new ScriptObject
        {
            ["scope"] = c.Patroni.Scope,
            ["guarded_services"] = string.Join("|", Components.GuardedServices),
            ["paths"] = Obj(("agent_binary", Components.AgentBinaryPath), ("agent_config", Components.AgentConfigPath),
                ("agent_check", Components.AgentCheckScriptPath), ("pgbouncer_userlist", Components.PgBouncerUserlistPath),
                ("patroni_sync_guard", Components.PatroniSyncGuardPath), ("patroni_safe_leader", Components.PatroniSafeLeaderPath), ("haproxy_end_sessions", Components.HaproxyEndSessionsPath), ("patroni_sync_guard_unit", Components.PatroniSyncGuardUnit),
                ("tls_ca", Components.TlsCaPath), ("tls_certificate", Components.TlsCertificatePath), ("etcd_key", Components.EtcdKeyPath), ("patroni_key", Components.PatroniKeyPath), ("pgbouncer_key", Components.PgBouncerKeyPath)),
            ["host"] = Obj(("name", plan.Name), ("address", plan.Host.Address)),
            ["db_hosts"] = topology.DatabaseHosts.Select(h => Obj(("name", h.Name), ("address", h.Address))).ToList(),
            ["pooler_on_proxies"] = topology.PoolerOnProxies,
            ["proxy_hosts"] = topology.ProxyHosts.Select(h => Obj(("name", h.Name), ("address", h.Address))).ToList(),
            ["etcd"] = Obj(("data_dir", Components.EtcdDataDirectory(c)), ("tls", c.Tls.Enabled), ("scheme", TlsSettings.UrlScheme(c.Tls.Enabled)), ("client_port", c.Etcd.ClientPort), ("peer_port", c.Etcd.PeerPort), ("initial_cluster", topology.EtcdInitialCluster),
                ("token", topology.EtcdClusterToken), ("client_hosts", string.Join(",", topology.EtcdMembers.Select(m => $"{m.Address}:{c.Etcd.ClientPort}")))),
            ["postgres"] = Obj(("port", c.Postgres.Port), ("version", c.PostgresVersion), ("tls", c.Tls.Enabled),
                ("data_dir", Components.PostgresDataDirectory(c)), ("bin_dir", Components.PostgresBinDirectory(c))),
            ["patroni"] = Obj(("rest_port", c.Patroni.RestPort), ("tls", c.Tls.Enabled), ("dcs_top", DcsSection(c, "")),
                ("dcs_postgresql", DcsSection(c, PatroniDynamicConfig.PostgresqlSection)), ("dcs_parameters", DcsSection(c, PatroniDynamicConfig.ParametersSection))),
            ["pgbouncer"] = Obj(("port", c.PgBouncer.Port), ("pool_mode", c.PgBouncer.PoolMode), ("max_client_conn", c.PgBouncer.MaxClientConn),
                ("default_pool_size", c.PgBouncer.DefaultPoolSize), ("reserve_pool_size", c.PgBouncer.ReservePoolSize)),
            ["haproxy"] = Obj(("write_port", c.Haproxy.WritePort), ("read_port", c.Haproxy.ReadPort), ("stats_port", c.Haproxy.StatsPort), ("backend_port", topology.BackendPort),
                ("answered_down_grace_ms", Components.AnsweredDownGraceMs(c))),
            ["vip"] = Obj(("address", c.Vip.Address), ("prefix", c.Vip.PrefixLength), ("interface", c.Vip.Interface), ("router_id", c.Vip.RouterId),
                ("version", c.Vip.VrrpVersion), ("advert_int", c.Vip.AdvertInterval.ToString(CultureInfo.InvariantCulture)), ("unicast", c.Vip.Unicast),
                ("preempt", c.Vip.Preempt), ("status_port", c.Vip.StatusPort), ("has_auth", c.Vip.AuthPassword is not null),
                ("layer", c.Vip.FloatsOver.ToString().ToLowerInvariant()), ("processes", topology.VipPath.Select(p => p.Unit).ToList()), ("check_ports", checkPorts),
                ("script_user", c.Vip.FloatsOver == VipLayer.Database ? "postgres" : "nobody"),
                // the database layer's check is confirmed twice already (Patroni's lock, PostgreSQL not in recovery): one
                // pass is enough, and a second would add a second to every failover there
                ("check_rise", c.Vip.FloatsOver == VipLayer.Database ? 1 : 2)),
            ["vrrp"] = plan.Vrrp is null ? null : Obj(("priority", plan.Vrrp.Priority), ("peers", plan.Vrrp.Peers.ToList())),
        };
        return WithSecretFunction(model);
    }

    /// <summary>One section of Patroni's dynamic configuration for the bootstrap block; each value is JSON, which YAML reads alike.</summary>
    private static List<ScriptObject> DcsSection(StackConfig config, string section)
    {
        var settings = PatroniDynamicConfig.Of(config);
        var unplaced = settings.FirstOrDefault(s => s.Section is not ("" or PatroniDynamicConfig.PostgresqlSection or PatroniDynamicConfig.ParametersSection));
        if (unplaced is not null)
            throw new InvalidOperationException($"patroni.yml.sbn has no place for {unplaced.Path}");
        return settings.Where(s => s.Section == section).Select(s => Obj(("key", s.Key), ("json", JsonAsYaml(s.Json)))).ToList();
    }

    /// <summary>
    /// A JSON value as YAML reads it: JSON is YAML, except that JSON writes a character past U+FFFF as two escaped
    /// surrogates (a backslash-u pair), which YAML loaders refuse; YAML's own 8-digit escape (backslash-U) says the same.
    /// </summary>
    internal static string JsonAsYaml(string json) => SurrogatePairEscape().Replace(json, m =>
        "\\U" + char.ConvertToUtf32((char)Convert.ToInt32(m.Groups[1].Value, 16), (char)Convert.ToInt32(m.Groups[2].Value, 16)).ToString("X8", System.Globalization.CultureInfo.InvariantCulture));

    [System.Text.RegularExpressions.GeneratedRegex(@"\\u(D[89AB][0-9A-F]{2})\\u(D[C-F][0-9A-F]{2})", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex SurrogatePairEscape();

    private static ScriptObject WithSecretFunction(ScriptObject model)
    {
        model.Import("secret", new Func<string, string, string>((name, encoding) =>
            SecretTokens.Token(name, Enum.Parse<SecretEncoding>(encoding, ignoreCase: true))));
        return model;
    }

    private static ScriptObject Obj(params (string Name, object? Value)[] fields)
    {
        var o = new ScriptObject();
        foreach (var (name, value) in fields)
            o[name] = value;
        return o;
    }

    private static readonly Dictionary<string, Template> Parsed = new(StringComparer.Ordinal);

    private static string RenderTemplate(string name, ScriptObject model)
    {
        Template template;
        lock (Parsed)
        {
            if (!Parsed.TryGetValue(name, out template!))
            {
                using var stream = typeof(StackRenderer).Assembly.GetManifestResourceStream("templates/" + name)
                    ?? throw new InvalidOperationException($"template {name} is not compiled in (a component folder's templates/)");
                template = Template.Parse(new StreamReader(stream).ReadToEnd(), name);
                if (template.HasErrors)
                    throw new InvalidOperationException($"template {name}: {string.Join("; ", template.Messages)}");
                Parsed[name] = template;
            }
        }
        // the validator bounds hosts, users and databases; Scriban's own default (1,000 iterations) would cut a valid stack short
        var context = new TemplateContext { StrictVariables = true, MemberRenamer = m => m.Name, LoopLimit = int.MaxValue };
        context.PushGlobal(model);
        return template.Render(context);
    }
}
