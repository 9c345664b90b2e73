using HaStack.Infra.Catalogue;
using HaStack.Infra.Config;
using HaStack.Infra.Topology;
using Scriban;
using Scriban.Runtime;
using static HaStack.Infra.Rendering.TemplateModel;

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

    /// <summary>
    /// What a host's templates see: the names code and templates share (<c>paths</c>), the hosts, and each
    /// component's section (<see cref="Component.Model"/>), every component's whether or not the host runs it: a
    /// template reads the others' ports (HAProxy checks Patroni's REST API, PgBouncer on a proxy forwards to HAProxy).
    /// </summary>
    private static ScriptObject HostModel(ClusterTopology topology, HostPlan plan)
    {
        var model = new ScriptObject
        {
            ["guarded_services"] = string.Join("|", Components.GuardedServices),
            ["paths"] = Obj(("agent_binary", Components.AgentBinaryPath), ("agent_config", Components.AgentConfigPath),
                ("agent_check", Components.AgentCheckScriptPath), ("pgbouncer_userlist", Components.PgBouncerUserlistPath),
                ("patroni_sync_guard", Components.PatroniSyncGuardPath), ("patroni_safe_leader", Components.PatroniSafeLeaderPath), ("haproxy_end_sessions", Components.HaproxyEndSessionsPath), ("patroni_sync_guard_unit", Components.PatroniSyncGuardUnit),
                ("tls_ca", Components.TlsCaPath), ("tls_certificate", Components.TlsCertificatePath), ("etcd_key", Components.EtcdKeyPath), ("patroni_key", Components.PatroniKeyPath), ("pgbouncer_key", Components.PgBouncerKeyPath), ("postgres_socket", Components.PostgresSocketDirectory)),
            ["host"] = Obj(("name", plan.Name), ("address", plan.Host.Address)),
            ["db_hosts"] = topology.DatabaseHosts.Select(h => Obj(("name", h.Name), ("address", h.Address))).ToList(),
            ["pooler_on_proxies"] = topology.PoolerOnProxies,
            ["proxy_hosts"] = topology.ProxyHosts.Select(h => Obj(("name", h.Name), ("address", h.Address))).ToList(),
        };
        foreach (var section in Components.All.SelectMany(c => c.Model?.Invoke(topology, plan) ?? []))
            model.Add(section.Name, section.Value);
        return WithSecretFunction(model);
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
