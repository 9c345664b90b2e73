using HaStack.Pulumi;
using Pulumi;

return await Deployment.RunAsync(HaStackProgram.Run);
