using System.Collections.Immutable;

namespace Pulumi.Command.Local
{
    /// <summary>How much of a local command's output Pulumi logs (its own type, beside Remote.Logging).</summary>
    public readonly struct Logging : IEquatable<Logging>
    {
        private readonly string _value;

        private Logging(string value) => _value = value;

        public static Logging Stdout { get; } = new("stdout");
        public static Logging Stderr { get; } = new("stderr");
        public static Logging StdoutAndStderr { get; } = new("stdoutAndStderr");
        public static Logging None { get; } = new("none");

        public static bool operator ==(Logging left, Logging right) => left.Equals(right);

        public static bool operator !=(Logging left, Logging right) => !left.Equals(right);

        public static explicit operator string(Logging value) => value._value;

        public override bool Equals(object? obj) => obj is Logging other && Equals(other);

        public bool Equals(Logging other) => string.Equals(_value, other._value, StringComparison.Ordinal);

        public override int GetHashCode() => _value?.GetHashCode(StringComparison.Ordinal) ?? 0;

        public override string ToString() => _value;
    }

    public partial class Command : CustomResource
    {
        [Output("create")]
        public Output<string?> Create { get; private set; } = null!;

        [Output("stderr")]
        public Output<string> Stderr { get; private set; } = null!;

        [Output("stdin")]
        public Output<string?> Stdin { get; private set; } = null!;

        [Output("stdout")]
        public Output<string> Stdout { get; private set; } = null!;

        [Output("triggers")]
        public Output<ImmutableArray<object>> Triggers { get; private set; } = null!;

        [Output("logging")]
        public Output<Logging?> Logging { get; private set; } = null!;

        public Command(string name, CommandArgs? args = null, CustomResourceOptions? options = null)
            : base("command:local:Command", name, args ?? new CommandArgs(), MakeResourceOptions(options))
        {
        }

        private static CustomResourceOptions MakeResourceOptions(CustomResourceOptions? options) =>
            CustomResourceOptions.Merge(new CustomResourceOptions { ReplaceOnChanges = { "triggers[*]" } }, options);
    }

    public sealed class CommandArgs : ResourceArgs
    {
        [Input("create")]
        public Input<string>? Create { get; set; }

        [Input("delete")]
        public Input<string>? Delete { get; set; }

        [Input("dir")]
        public Input<string>? Dir { get; set; }

        [Input("logging")]
        public Input<Logging>? Logging { get; set; }

        [Input("stdin")]
        public Input<string>? Stdin { get; set; }

        private InputList<object>? _triggers;

        [Input("triggers")]
        public InputList<object> Triggers
        {
            get => _triggers ??= new InputList<object>();
            set => _triggers = value;
        }

        [Input("update")]
        public Input<string>? Update { get; set; }
    }
}
