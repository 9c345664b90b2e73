using HaStack.Vrrp.Config;

namespace HaStack.Vrrpd;

/// <summary><c>check-config FILE</c>: every diagnostic, then a one-line verdict; exit 1 when the config cannot run.</summary>
public static class CheckConfigCommand
{
    public static int Run(string file, TextWriter output)
    {
        var result = ConfigLoader.Load(file, new FileConfigSource());
        foreach (var diagnostic in result.Diagnostics.OrderBy(d => d.Location.File, StringComparer.Ordinal).ThenBy(d => d.Location.Line))
            output.WriteLine(diagnostic);
        var errors = result.Diagnostics.Count(d => d.Severity == Severity.Error);
        var warnings = result.Diagnostics.Count - errors;
        var instances = result.Config?.Instances.Count ?? 0;
        output.WriteLine(errors == 0
            ? $"{file}: ok: {instances} instance(s), {warnings} warning(s)"
            : $"{file}: {errors} error(s), {warnings} warning(s): the config cannot run");
        return errors == 0 ? 0 : 1;
    }
}
