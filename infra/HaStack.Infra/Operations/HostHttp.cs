using System.Text.Json.Nodes;
using HaStack.Infra.Catalogue;
using static HaStack.Infra.Operations.Shell;

namespace HaStack.Infra.Operations;

/// <summary>What a host-side HTTP call reads on standard input: its secrets, never on a command line.</summary>
internal enum HttpSecrets
{
    None,

    /// <summary>All of standard input is the password for Basic authentication.</summary>
    Password,

    /// <summary>The password on the first line, the body after it.</summary>
    PasswordThenBody,
}

/// <summary>
/// One HTTP(S) call a host makes for HaStack (Patroni's REST API, the agent's status, a readiness probe): https is
/// checked against the cluster's CA and the host's name. <see cref="Refused"/>: what an HTTP error is reported as.
/// </summary>
internal sealed record HttpCall(string Method, string Url, int TimeoutSeconds = 3, string? User = null,
    HttpSecrets Stdin = HttpSecrets.None, JsonNode? Json = null, string? Refused = null)
{
    public static HttpCall Get(string url, int timeoutSeconds = 3) => new("GET", url, timeoutSeconds);

    /// <summary>The request as the host-side program reads it (its first argument): no secret is in it.</summary>
    public string RequestJson()
    {
        var request = new JsonObject
        {
            ["method"] = Method,
            ["url"] = Url,
            ["timeout"] = TimeoutSeconds,
            ["ca"] = Components.TlsCaPath,
            ["stdin"] = Stdin switch { HttpSecrets.Password => "password", HttpSecrets.PasswordThenBody => "password-then-body", _ => "none" },
        };
        if (User is not null)
            request["user"] = User;
        if (Json is not null)
            request["json"] = Json.DeepClone();
        if (Refused is not null)
            request["refused"] = Refused;
        return request.ToJsonString();
    }
}

/// <summary>
/// The one generic host-side operation: an HTTP(S) call (<c>Operations/Host/hastack_http.py</c>, a real Python file
/// compiled in and checked with py_compile) given to the host's python3 as a here-document on file descriptor 3, so
/// standard input stays free for the secrets and nothing is installed on the host.
/// </summary>
internal static partial class HostOperations
{
    private const string HttpProgramEnd = "HASTACK_PY";

    private static readonly string HttpProgram = LoadHttpProgram();

    /// <summary>The shell function <c>hastack_http REQUEST_JSON</c>: a script that calls it defines it first.</summary>
    internal static readonly string HttpFunctionText =
        $"hastack_http() {{\n  python3 -I /dev/fd/3 \"$@\" 3<<'{HttpProgramEnd}'\n{HttpProgram}{HttpProgramEnd}\n}}";

    /// <summary>A command that makes <paramref name="call"/> (after <see cref="HttpFunctionText"/>); exits 0 on a 2xx answer.</summary>
    internal static string HttpCommand(HttpCall call) => $"hastack_http {Quote(call.RequestJson())}";

    /// <summary>The call as a script: the answer's body on standard output, an error's reason on standard error.</summary>
    public static HostScript Http(string what, HttpCall call, int timeoutSeconds = 15) =>
        new(what, HttpFunctionText + "\n" + HttpCommand(call), call.Stdin == HttpSecrets.None ? ScriptInput.None : ScriptInput.Content,
            Math.Max(timeoutSeconds, call.TimeoutSeconds + 10));

    private static string LoadHttpProgram()
    {
        using var stream = typeof(HostOperations).Assembly.GetManifestResourceStream("operations/hastack_http.py")
            ?? throw new InvalidOperationException("operations/hastack_http.py is not compiled in");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
        // the here-document ends at the first line that is its delimiter
        if (text.Split('\n').Contains(HttpProgramEnd))
            throw new InvalidOperationException($"hastack_http.py holds a line '{HttpProgramEnd}', which would end its here-document");
        return text.EndsWith('\n') ? text : text + "\n";
    }
}
