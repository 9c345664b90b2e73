namespace Pulumi.Random
{
    public partial class RandomPassword : CustomResource
    {
        [Output("bcryptHash")]
        public Output<string> BcryptHash { get; private set; } = null!;

        [Output("length")]
        public Output<int> Length { get; private set; } = null!;

        [Output("result")]
        public Output<string> Result { get; private set; } = null!;

        [Output("special")]
        public Output<bool?> Special { get; private set; } = null!;

        public RandomPassword(string name, RandomPasswordArgs args, CustomResourceOptions? options = null)
            : base("random:index/randomPassword:RandomPassword", name, args ?? new RandomPasswordArgs(), MakeResourceOptions(options))
        {
        }

        private static CustomResourceOptions MakeResourceOptions(CustomResourceOptions? options) =>
            CustomResourceOptions.Merge(new CustomResourceOptions { AdditionalSecretOutputs = { "bcryptHash", "result" } }, options);
    }

    public sealed class RandomPasswordArgs : ResourceArgs
    {
        [Input("length", required: true)]
        public Input<int> Length { get; set; } = null!;

        [Input("lower")]
        public Input<bool>? Lower { get; set; }

        [Input("numeric")]
        public Input<bool>? Numeric { get; set; }

        [Input("special")]
        public Input<bool>? Special { get; set; }

        [Input("upper")]
        public Input<bool>? Upper { get; set; }
    }
}
