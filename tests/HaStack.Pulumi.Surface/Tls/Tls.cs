// pulumi-tls v5.5.1 (commit c3b9a61e70758bd93edf5699ed8c8ac9d1f53224, sdk/dotnet/*.cs): the members the program uses,
// with their wire names, types and secret defaults as generated there
namespace Pulumi.Tls
{
    public partial class PrivateKey : CustomResource
    {
        [Output("algorithm")]
        public Output<string> Algorithm { get; private set; } = null!;

        [Output("privateKeyPem")]
        public Output<string> PrivateKeyPem { get; private set; } = null!;

        [Output("privateKeyPemPkcs8")]
        public Output<string> PrivateKeyPemPkcs8 { get; private set; } = null!;

        [Output("publicKeyPem")]
        public Output<string> PublicKeyPem { get; private set; } = null!;

        public PrivateKey(string name, PrivateKeyArgs args, CustomResourceOptions? options = null)
            : base("tls:index/privateKey:PrivateKey", name, args ?? new PrivateKeyArgs(), MakeResourceOptions(options))
        {
        }

        private static CustomResourceOptions MakeResourceOptions(CustomResourceOptions? options) =>
            CustomResourceOptions.Merge(new CustomResourceOptions { AdditionalSecretOutputs = { "privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8" } }, options);
    }

    public sealed class PrivateKeyArgs : ResourceArgs
    {
        [Input("algorithm", required: true)]
        public Input<string> Algorithm { get; set; } = null!;

        [Input("ecdsaCurve")]
        public Input<string>? EcdsaCurve { get; set; }

        [Input("rsaBits")]
        public Input<int>? RsaBits { get; set; }
    }

    public partial class SelfSignedCert : CustomResource
    {
        [Output("certPem")]
        public Output<string> CertPem { get; private set; } = null!;

        [Output("readyForRenewal")]
        public Output<bool> ReadyForRenewal { get; private set; } = null!;

        [Output("validityEndTime")]
        public Output<string> ValidityEndTime { get; private set; } = null!;

        public SelfSignedCert(string name, SelfSignedCertArgs args, CustomResourceOptions? options = null)
            : base("tls:index/selfSignedCert:SelfSignedCert", name, args ?? new SelfSignedCertArgs(), MakeResourceOptions(options))
        {
        }

        private static CustomResourceOptions MakeResourceOptions(CustomResourceOptions? options) =>
            CustomResourceOptions.Merge(new CustomResourceOptions { AdditionalSecretOutputs = { "privateKeyPem" } }, options);
    }

    public sealed class SelfSignedCertArgs : ResourceArgs
    {
        private InputList<string>? _allowedUses;

        [Input("allowedUses", required: true)]
        public InputList<string> AllowedUses
        {
            get => _allowedUses ??= new InputList<string>();
            set => _allowedUses = value;
        }

        [Input("earlyRenewalHours")]
        public Input<int>? EarlyRenewalHours { get; set; }

        [Input("isCaCertificate")]
        public Input<bool>? IsCaCertificate { get; set; }

        [Input("maxPathLength")]
        public Input<int>? MaxPathLength { get; set; }

        private Input<string>? _privateKeyPem;

        [Input("privateKeyPem", required: true)]
        public Input<string>? PrivateKeyPem
        {
            get => _privateKeyPem;
            set => _privateKeyPem = value is null ? null : (Input<string>)Output.CreateSecret<string>(value);
        }

        [Input("setSubjectKeyId")]
        public Input<bool>? SetSubjectKeyId { get; set; }

        [Input("subject")]
        public Input<Inputs.SelfSignedCertSubjectArgs>? Subject { get; set; }

        [Input("validityPeriodHours", required: true)]
        public Input<int> ValidityPeriodHours { get; set; } = null!;
    }

    public partial class CertRequest : CustomResource
    {
        [Output("certRequestPem")]
        public Output<string> CertRequestPem { get; private set; } = null!;

        public CertRequest(string name, CertRequestArgs args, CustomResourceOptions? options = null)
            : base("tls:index/certRequest:CertRequest", name, args ?? new CertRequestArgs(), MakeResourceOptions(options))
        {
        }

        private static CustomResourceOptions MakeResourceOptions(CustomResourceOptions? options) =>
            CustomResourceOptions.Merge(new CustomResourceOptions { AdditionalSecretOutputs = { "privateKeyPem" } }, options);
    }

    public sealed class CertRequestArgs : ResourceArgs
    {
        private InputList<string>? _dnsNames;

        [Input("dnsNames")]
        public InputList<string> DnsNames
        {
            get => _dnsNames ??= new InputList<string>();
            set => _dnsNames = value;
        }

        private InputList<string>? _ipAddresses;

        [Input("ipAddresses")]
        public InputList<string> IpAddresses
        {
            get => _ipAddresses ??= new InputList<string>();
            set => _ipAddresses = value;
        }

        private Input<string>? _privateKeyPem;

        [Input("privateKeyPem", required: true)]
        public Input<string>? PrivateKeyPem
        {
            get => _privateKeyPem;
            set => _privateKeyPem = value is null ? null : (Input<string>)Output.CreateSecret<string>(value);
        }

        [Input("subject")]
        public Input<Inputs.CertRequestSubjectArgs>? Subject { get; set; }
    }

    public partial class LocallySignedCert : CustomResource
    {
        [Output("certPem")]
        public Output<string> CertPem { get; private set; } = null!;

        [Output("readyForRenewal")]
        public Output<bool> ReadyForRenewal { get; private set; } = null!;

        [Output("validityEndTime")]
        public Output<string> ValidityEndTime { get; private set; } = null!;

        public LocallySignedCert(string name, LocallySignedCertArgs args, CustomResourceOptions? options = null)
            : base("tls:index/locallySignedCert:LocallySignedCert", name, args ?? new LocallySignedCertArgs(), MakeResourceOptions(options))
        {
        }

        private static CustomResourceOptions MakeResourceOptions(CustomResourceOptions? options) =>
            CustomResourceOptions.Merge(new CustomResourceOptions { AdditionalSecretOutputs = { "caPrivateKeyPem" } }, options);
    }

    public sealed class LocallySignedCertArgs : ResourceArgs
    {
        private InputList<string>? _allowedUses;

        [Input("allowedUses", required: true)]
        public InputList<string> AllowedUses
        {
            get => _allowedUses ??= new InputList<string>();
            set => _allowedUses = value;
        }

        [Input("caCertPem", required: true)]
        public Input<string> CaCertPem { get; set; } = null!;

        private Input<string>? _caPrivateKeyPem;

        [Input("caPrivateKeyPem", required: true)]
        public Input<string>? CaPrivateKeyPem
        {
            get => _caPrivateKeyPem;
            set => _caPrivateKeyPem = value is null ? null : (Input<string>)Output.CreateSecret<string>(value);
        }

        [Input("certRequestPem", required: true)]
        public Input<string> CertRequestPem { get; set; } = null!;

        [Input("earlyRenewalHours")]
        public Input<int>? EarlyRenewalHours { get; set; }

        [Input("setSubjectKeyId")]
        public Input<bool>? SetSubjectKeyId { get; set; }

        [Input("validityPeriodHours", required: true)]
        public Input<int> ValidityPeriodHours { get; set; } = null!;
    }
}

namespace Pulumi.Tls.Inputs
{
    public sealed class CertRequestSubjectArgs : ResourceArgs
    {
        [Input("commonName")]
        public Input<string>? CommonName { get; set; }

        [Input("organization")]
        public Input<string>? Organization { get; set; }
    }

    public sealed class SelfSignedCertSubjectArgs : ResourceArgs
    {
        [Input("commonName")]
        public Input<string>? CommonName { get; set; }

        [Input("organization")]
        public Input<string>? Organization { get; set; }
    }
}
