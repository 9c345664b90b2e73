using HaStack.Vrrp.Config;

namespace HaStack.Vrrp.Tests;

/// <summary>The <c>include</c> glob: shell rules on a whole path, no regular expression behind it.</summary>
public class GlobTests
{
    [Theory]
    [InlineData("/etc/k/*.conf", "/etc/k/a.conf", true)]
    [InlineData("/etc/k/*.conf", "/etc/k/.conf", true)]
    [InlineData("/etc/k/*.conf", "/etc/k/sub/a.conf", false)]
    [InlineData("/etc/k/*.conf", "/etc/k/a.conf\n", false)]
    [InlineData("/etc/k/*.conf", "/etc/k/a.conf.bak", false)]
    [InlineData("/etc/k/*", "/etc/k/", true)]
    [InlineData("/etc/*/a.conf", "/etc/k/a.conf", true)]
    [InlineData("/etc/*/a.conf", "/etc/k/l/a.conf", false)]
    [InlineData("/etc/k/?.conf", "/etc/k/a.conf", true)]
    [InlineData("/etc/k/?.conf", "/etc/k/ab.conf", false)]
    [InlineData("/etc/k?a.conf", "/etc/k/a.conf", false)]
    [InlineData("/etc/k/[ab].conf", "/etc/k/b.conf", true)]
    [InlineData("/etc/k/[ab].conf", "/etc/k/c.conf", false)]
    [InlineData("/etc/k/[a-c]*.conf", "/etc/k/c9.conf", true)]
    [InlineData("/etc/k/[!a-c]*.conf", "/etc/k/c9.conf", false)]
    [InlineData("/etc/k/[!a-c]*.conf", "/etc/k/d9.conf", true)]
    [InlineData("/etc/k/[]]x", "/etc/k/]x", true)]
    [InlineData("/etc/k/[x", "/etc/k/[x", true)]
    [InlineData("/etc/k/a[", "/etc/k/a[", true)]
    [InlineData("/etc/k/*a*b*c", "/etc/k/xxaxxbxxbcc", true)]
    [InlineData("/etc/k/*a*b*c", "/etc/k/xxaxxcxxb", false)]
    [InlineData("/etc/k/**", "/etc/k/x/y", false)]
    [InlineData("/etc/k/a.conf", "/etc/k/a.conf", true)]
    [InlineData("/etc/k/a.conf", "/etc/k/a.con", false)]
    public void A_pattern_matches_whole_paths_with_stars_and_queries_kept_inside_one_directory(string pattern, string path, bool matches) =>
        Assert.Equal(matches, InMemoryConfigSource.GlobMatches(pattern, path));

}
