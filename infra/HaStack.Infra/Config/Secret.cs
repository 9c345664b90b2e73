namespace HaStack.Infra.Config;

/// <summary>
/// A secret value. It prints as [secret] wherever it goes (logs, string interpolation, records' ToString),
/// so only code that calls <see cref="Reveal"/> on purpose ever sees it.
/// </summary>
internal sealed class Secret(string value) : IEquatable<Secret>
{
    public string Reveal() => value;

    public override string ToString() => "[secret]";

    public bool Equals(Secret? other) => other is not null && other.Reveal() == value;

    public override bool Equals(object? obj) => obj is Secret other && Equals(other);

    public override int GetHashCode() => value.GetHashCode(StringComparison.Ordinal);
}
