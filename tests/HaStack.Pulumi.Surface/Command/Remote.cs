using System.Collections.Immutable;

namespace Pulumi.Command.Remote
{
    /// <summary>How much of a command's output Pulumi logs.</summary>
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
        [Output("addPreviousOutputInEnv")]
        public Output<bool?> AddPreviousOutputInEnv { get; private set; } = null!;

        [Output("connection")]
        public Output<Outputs.Connection> Connection { get; private set; } = null!;

        [Output("create")]
        public Output<string?> Create { get; private set; } = null!;

        [Output("delete")]
        public Output<string?> Delete { get; private set; } = null!;

        [Output("environment")]
        public Output<ImmutableDictionary<string, string>?> Environment { get; private set; } = null!;

        [Output("logging")]
        public Output<Logging?> Logging { get; private set; } = null!;

        [Output("stderr")]
        public Output<string> Stderr { get; private set; } = null!;

        [Output("stdin")]
        public Output<string?> Stdin { get; private set; } = null!;

        [Output("stdout")]
        public Output<string> Stdout { get; private set; } = null!;

        [Output("triggers")]
        public Output<ImmutableArray<object>> Triggers { get; private set; } = null!;

        [Output("update")]
        public Output<string?> Update { get; private set; } = null!;

        public Command(string name, CommandArgs args, CustomResourceOptions? options = null)
            : base("command:remote:Command", name, args ?? new CommandArgs(), MakeResourceOptions(options))
        {
        }

        private static CustomResourceOptions MakeResourceOptions(CustomResourceOptions? options) =>
            CustomResourceOptions.Merge(new CustomResourceOptions { AdditionalSecretOutputs = { "connection" }, ReplaceOnChanges = { "triggers[*]" } }, options);
    }

    public sealed class CommandArgs : ResourceArgs
    {
        [Input("addPreviousOutputInEnv")]
        public Input<bool>? AddPreviousOutputInEnv { get; set; }

        private Input<Inputs.ConnectionArgs>? _connection;

        [Input("connection", required: true)]
        public Input<Inputs.ConnectionArgs>? Connection
        {
            get => _connection;
            set => _connection = value is null ? null : (Input<Inputs.ConnectionArgs>)Output.CreateSecret<Inputs.ConnectionArgs>(value);
        }

        [Input("create")]
        public Input<string>? Create { get; set; }

        [Input("delete")]
        public Input<string>? Delete { get; set; }

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

    public partial class CopyToRemote : CustomResource
    {
        [Output("connection")]
        public Output<Outputs.Connection> Connection { get; private set; } = null!;

        [Output("remotePath")]
        public Output<string> RemotePath { get; private set; } = null!;

        [Output("source")]
        public Output<AssetOrArchive> Source { get; private set; } = null!;

        [Output("triggers")]
        public Output<ImmutableArray<object>> Triggers { get; private set; } = null!;

        public CopyToRemote(string name, CopyToRemoteArgs args, CustomResourceOptions? options = null)
            : base("command:remote:CopyToRemote", name, args ?? new CopyToRemoteArgs(), MakeResourceOptions(options))
        {
        }

        private static CustomResourceOptions MakeResourceOptions(CustomResourceOptions? options) =>
            CustomResourceOptions.Merge(new CustomResourceOptions { AdditionalSecretOutputs = { "connection" }, ReplaceOnChanges = { "triggers[*]" } }, options);
    }

    public sealed class CopyToRemoteArgs : ResourceArgs
    {
        private Input<Inputs.ConnectionArgs>? _connection;

        [Input("connection", required: true)]
        public Input<Inputs.ConnectionArgs>? Connection
        {
            get => _connection;
            set => _connection = value is null ? null : (Input<Inputs.ConnectionArgs>)Output.CreateSecret<Inputs.ConnectionArgs>(value);
        }

        [Input("remotePath", required: true)]
        public Input<string> RemotePath { get; set; } = null!;

        [Input("source", required: true)]
        public Input<AssetOrArchive> Source { get; set; } = null!;

        private InputList<object>? _triggers;

        [Input("triggers")]
        public InputList<object> Triggers
        {
            get => _triggers ??= new InputList<object>();
            set => _triggers = value;
        }
    }
}

namespace Pulumi.Command.Remote.Inputs
{
    public sealed class ConnectionArgs : ResourceArgs
    {
        [Input("agentSocketPath")]
        public Input<string>? AgentSocketPath { get; set; }

        [Input("dialErrorLimit")]
        public Input<int>? DialErrorLimit { get; set; }

        [Input("host", required: true)]
        public Input<string> Host { get; set; } = null!;

        [Input("hostKey")]
        public Input<string>? HostKey { get; set; }

        private Input<string>? _password;

        [Input("password")]
        public Input<string>? Password
        {
            get => _password;
            set => _password = value is null ? null : (Input<string>)Output.CreateSecret<string>(value);
        }

        [Input("perDialTimeout")]
        public Input<int>? PerDialTimeout { get; set; }

        [Input("port")]
        public Input<double>? Port { get; set; }

        private Input<string>? _privateKey;

        [Input("privateKey")]
        public Input<string>? PrivateKey
        {
            get => _privateKey;
            set => _privateKey = value is null ? null : (Input<string>)Output.CreateSecret<string>(value);
        }

        private Input<string>? _privateKeyPassword;

        [Input("privateKeyPassword")]
        public Input<string>? PrivateKeyPassword
        {
            get => _privateKeyPassword;
            set => _privateKeyPassword = value is null ? null : (Input<string>)Output.CreateSecret<string>(value);
        }

        [Input("user")]
        public Input<string>? User { get; set; }

        public ConnectionArgs()
        {
            DialErrorLimit = 10;
            PerDialTimeout = 15;
            Port = 22;
            User = "root";
        }
    }
}

namespace Pulumi.Command.Remote.Outputs
{
    public sealed class Connection
    {
        public readonly string Host;
        public readonly string? HostKey;
        public readonly double? Port;
        public readonly string? User;

        private Connection(string host, string? hostKey, double? port, string? user)
        {
            Host = host;
            HostKey = hostKey;
            Port = port;
            User = user;
        }
    }
}
