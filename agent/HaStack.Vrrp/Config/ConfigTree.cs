namespace HaStack.Vrrp.Config;

/// <summary>One statement: a keyword, its arguments on the same line, and its block if it opens one.</summary>
public sealed record ConfigNode(string Keyword, IReadOnlyList<string> Arguments, SourceLocation Location, IReadOnlyList<ConfigNode>? Block);

/// <summary>
/// keepalived's syntax as a tree: whitespace-separated words, one statement per line, <c>{ }</c> blocks (on the
/// same line or the next), "quoted strings", comments from <c>#</c> or <c>!</c> to the end of the line, and
/// <c>include PATTERN</c> anywhere, read in place.
/// </summary>
public static class ConfigTree
{
    private const int MaxIncludeDepth = 8;

    /// <summary>
    /// Files read for one config, includes counted each time they are read, and their bytes: nine files that each
    /// include *.conf reach each other along factorially many paths, and 300 includes of a 0.9 MiB file are 270 MiB;
    /// a real config reads a handful of small files.
    /// </summary>
    public const int MaxFilesRead = 256;

    public const long MaxBytesRead = 16L << 20;

    private sealed class ReadBudget
    {
        public int Files;
        public long Bytes;
        public bool Exceeded;

        /// <summary>Counts a read; false (with one error for the whole config) once the budget is spent.</summary>
        public bool Take(string text, SourceLocation at, List<Diagnostic> diagnostics)
        {
            Files++;
            Bytes += text.Length;
            if (Files <= MaxFilesRead && Bytes <= MaxBytesRead)
                return true;
            if (!Exceeded)
                diagnostics.Add(new(Severity.Error, at, $"includes read more than {MaxFilesRead} files or {MaxBytesRead >> 20} MiB in all; a config is a handful of small files: check for includes that reach each other"));
            Exceeded = true;
            return false;
        }
    }

    /// <summary>keepalived's deepest real block is three levels; past this a config is damaged or hostile, and recursion must stop.</summary>
    public const int MaxBlockDepth = 16;

    private readonly record struct Token(string Text, SourceLocation Location, bool Quoted, bool EndOfLine);

    public static IReadOnlyList<ConfigNode> Parse(string file, IConfigSource source, List<Diagnostic> diagnostics)
    {
        var tokens = new List<Token>();
        var text = source.Read(file);
        if (text is null)
        {
            diagnostics.Add(new(Severity.Error, new(file, 0), "cannot read the file (missing, unreadable, not a regular file, or over 1 MiB)"));
            return [];
        }
        var budget = new ReadBudget();
        budget.Take(text, new SourceLocation(file, 0), diagnostics);
        Lex(file, text, source, tokens, diagnostics, [file], budget);
        var position = 0;
        var nodes = ParseBlock(tokens, ref position, diagnostics, topLevel: true, null, depth: 0);
        return nodes;
    }

    private static void Lex(string file, string text, IConfigSource source, List<Token> tokens, List<Diagnostic> diagnostics, List<string> includeStack, ReadBudget budget)
    {
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var location = new SourceLocation(file, index + 1);
            var words = SplitLine(lines[index].TrimEnd('\r'), location, diagnostics);
            if (words.Count > 0 && words[0].Text == "include" && !words[0].Quoted)
            {
                Include(words, location, source, tokens, diagnostics, includeStack, budget);
                continue;
            }
            foreach (var word in words)
                tokens.Add(new Token(word.Text, location, word.Quoted, false));
            if (words.Count > 0)
                tokens.Add(new Token("", location, false, true));
        }
    }

    private static void Include(List<(string Text, bool Quoted)> words, SourceLocation location, IConfigSource source,
        List<Token> tokens, List<Diagnostic> diagnostics, List<string> includeStack, ReadBudget budget)
    {
        if (budget.Exceeded)
            return;
        if (words.Count != 2)
        {
            diagnostics.Add(new(Severity.Error, location, "include takes one file name or pattern, e.g. include /etc/hastack-vrrpd/conf.d/*.conf"));
            return;
        }
        if (includeStack.Count > MaxIncludeDepth)
        {
            diagnostics.Add(new(Severity.Error, location, $"includes nested deeper than {MaxIncludeDepth}: {string.Join(" -> ", includeStack)}"));
            return;
        }
        var files = source.Expand(words[1].Text, location.File);
        if (files.Count == 0)
            diagnostics.Add(new(Severity.Warning, location, $"include {words[1].Text} matches no file"));
        foreach (var included in files)
        {
            if (includeStack.Contains(included))
            {
                diagnostics.Add(new(Severity.Error, location, $"{included} includes itself: {string.Join(" -> ", includeStack)} -> {included}"));
                continue;
            }
            var text = source.Read(included);
            if (text is null)
            {
                diagnostics.Add(new(Severity.Error, location, $"cannot read included file {included} (unreadable, not a regular file, or over 1 MiB)"));
                continue;
            }
            if (!budget.Take(text, location, diagnostics))
                return;
            Lex(included, text, source, tokens, diagnostics, [.. includeStack, included], budget);
        }
    }

    private static List<(string Text, bool Quoted)> SplitLine(string line, SourceLocation location, List<Diagnostic> diagnostics)
    {
        var words = new List<(string, bool)>();
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '#' or '!')
            {
                break;
            }
            else if (c is '{' or '}')
            {
                words.Add((c.ToString(), false));
                i++;
            }
            else if (c == '"')
            {
                var end = line.IndexOf('"', i + 1);
                if (end < 0)
                {
                    diagnostics.Add(new(Severity.Error, location, "unterminated quoted string: add the closing \""));
                    end = line.Length;
                }
                words.Add((line[(i + 1)..end], true));
                i = end + 1;
            }
            else
            {
                var start = i;
                while (i < line.Length && !char.IsWhiteSpace(line[i]) && line[i] is not ('{' or '}' or '"'))
                    i++;
                words.Add((line[start..i], false));
            }
        }
        return words;
    }

    private static List<ConfigNode> ParseBlock(List<Token> tokens, ref int position, List<Diagnostic> diagnostics, bool topLevel, SourceLocation? opened, int depth)
    {
        var nodes = new List<ConfigNode>();
        var words = new List<Token>();
        while (position < tokens.Count)
        {
            var token = tokens[position++];
            if (token.EndOfLine)
            {
                // a "{" alone on the next line still belongs to this statement
                if (words.Count > 0 && !(position < tokens.Count && tokens[position].Text == "{" && !tokens[position].Quoted))
                    Flush(nodes, words, null);
                continue;
            }
            if (!token.Quoted && token.Text == "{")
            {
                if (words.Count == 0)
                {
                    diagnostics.Add(new(Severity.Error, token.Location, "a block opens here without a keyword before it"));
                    words.Add(token with { Text = "{" });
                }
                if (depth >= MaxBlockDepth)
                {
                    diagnostics.Add(new(Severity.Error, token.Location, $"blocks nested deeper than {MaxBlockDepth}; the rest of this block is skipped"));
                    SkipBlock(tokens, ref position);
                    words.Clear();
                    continue;
                }
                var block = ParseBlock(tokens, ref position, diagnostics, topLevel: false, token.Location, depth + 1);
                Flush(nodes, words, block);
                continue;
            }
            if (!token.Quoted && token.Text == "}")
            {
                if (words.Count > 0)
                    Flush(nodes, words, null);
                if (topLevel)
                {
                    diagnostics.Add(new(Severity.Error, token.Location, "'}' closes no block: remove it or add the block's opening line"));
                    continue;
                }
                return nodes;
            }
            words.Add(token);
        }
        if (words.Count > 0)
            Flush(nodes, words, null);
        if (!topLevel && opened is { } where)
            diagnostics.Add(new(Severity.Error, where, "this block is never closed: add a '}'"));
        return nodes;
    }

    /// <summary>Past the '}' that closes the block just opened, counting without recursion.</summary>
    private static void SkipBlock(List<Token> tokens, ref int position)
    {
        for (var open = 1; position < tokens.Count && open > 0; position++)
        {
            var t = tokens[position];
            if (!t.Quoted && t.Text == "{")
                open++;
            else if (!t.Quoted && t.Text == "}")
                open--;
        }
    }

    private static void Flush(List<ConfigNode> nodes, List<Token> words, List<ConfigNode>? block)
    {
        nodes.Add(new ConfigNode(words[0].Text, words.Skip(1).Select(w => w.Text).ToList(), words[0].Location, block));
        words.Clear();
    }
}
