using HaStack.Infra.Rendering;

namespace HaStack.Infra.Catalogue;

/// <summary>The Host component: its catalogue record, paths and names.</summary>
internal static partial class Components
{
    /// <summary>Every host: Debian's install guard, in place before any package, so no package starts a service on a stock config.</summary>
    public static readonly Component Host = new("host", null, None,
        [new("policy-rc.d.sbn", "/usr/sbin/policy-rc.d", "0755", "root", "root", FileEffect.InstallGuard)],
        [], null, None, []);
}
