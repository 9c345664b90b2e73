namespace HaStack.Vrrp.Config;

/// <summary>
/// A network interface name: the kernel's rule (dev_valid_name: 1-15 bytes, not "." or "..", no '/', ':' or white
/// space; ':' marks an old-style alias such as eth0:1, an address label, not an interface), narrowed to letters,
/// digits, '_', '.' and '-', so a name is also a plain word in a shell, a config file and a log line.
/// </summary>
public static class InterfaceName
{
    public const int MaxLength = 15;

    public static bool IsValid(string name) =>
        name.Length is >= 1 and <= MaxLength && name is not ("." or "..") &&
        name.All(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '.' or '-');

    /// <summary>The name as a message may show it: control characters escaped, at most 40 characters.</summary>
    public static string Printable(string name) =>
        string.Concat(name.Take(40).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) + (name.Length > 40 ? "..." : "");

    public const string Rule = "an interface name is 1-15 letters, digits, '_', '.' or '-', not '.' or '..' (an alias such as eth0:1 is not an interface)";
}
