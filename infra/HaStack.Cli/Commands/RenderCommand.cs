using System.CommandLine;
using HaStack.Infra;
using HaStack.Infra.Rendering;

namespace HaStack.Cli.Commands;

/// <summary>
/// <c>hastack render</c>: every file HaStack would put on each host, written to DIR/&lt;host&gt;/&lt;path&gt; for review.
/// Secrets show as [secret:NAME] unless --show-secrets; generated passwords do not exist before the first up.
/// </summary>
internal static class RenderCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "directory to write the files to", Required = true };
        var showSecrets = new Option<bool>("--show-secrets") { Description = "write the stack file's secrets in clear (generated ones stay masked)" };
        var command = new Command("render", "write every file each host would get to DIR/<host>/<path>, for review")
        {
            StackOptions.Stack,
            StackOptions.Cwd,
            output,
            showSecrets,
        };
        command.SetAction(parse =>
        {
            var config = StackOptions.LoadOrReport(parse);
            if (config is null)
                return 1;
            var plan = StackPipeline.Plan(config);
            var known = parse.GetValue(showSecrets) ? StackRenderer.SecretsFromStack(config) : new Dictionary<string, string>();
            var root = parse.GetValue(output)!;
            var kind = HaStack.Infra.LocalFiles.BoundedFile.KindOf(root);
            if (kind is not (HaStack.Infra.LocalFiles.BoundedFile.FileKind.Directory or HaStack.Infra.LocalFiles.BoundedFile.FileKind.Missing))
            {
                Console.Error.WriteLine($"error: --out '{HaStack.Infra.Config.TextRules.Printable(root)}' {HaStack.Infra.LocalFiles.BoundedFile.Describe(kind)}; fix: give a directory to write the files under (it is made if missing)");
                return 1;
            }
            try
            {
                foreach (var file in plan.Files)
                {
                    var target = Path.Combine(root, file.Host ?? "cluster", file.Path.TrimStart('/'));
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    var content = SecretTokens.Substitute(file.Content, name => known.GetValueOrDefault(name) ?? $"[secret:{name}]");
                    File.WriteAllText(target, content);
                    File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: --out '{HaStack.Infra.Config.TextRules.Printable(root)}': the files cannot be written there ({e.Message}); fix: give a directory you can write to");
                return 1;
            }
            Console.WriteLine($"{plan.Files.Count} files written under {root}");
            return 0;
        });
        return command;
    }
}
