using HaStack.Deploy.Reads;

namespace HaStack.Deploy.Tests;

/// <summary>Which servers HAProxy's statistics say take a proxy's writes: what a switchover waits on before it resumes the poolers.</summary>
public class HaproxyWritesTests
{
    // the shape HAProxy 2.6 answers GET /;csv with: an HTTP head, a header row, one row per frontend, server and backend
    private const string Stats = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n" +
        "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,\n" +
        "stats,FRONTEND,,,0,1,4096,3,0,0,0,0,0,,,,,OPEN,,,,\n" +
        "writes,FRONTEND,,,2,5,4096,40,0,0,0,0,0,,,,,OPEN,,,,\n" +
        "writes,node1,0,0,0,2,,20,0,0,,0,,0,0,0,0,DOWN,1,1,0,\n" +
        "writes,node2,0,0,2,3,,20,0,0,,0,,0,0,0,0,UP,1,1,0,\n" +
        "writes,node3,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP 1/2,1,1,0,\n" +
        "writes,BACKEND,0,0,2,5,410,40,0,0,0,0,,0,0,0,0,UP,1,1,0,\n" +
        "reads,node1,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP,1,1,0,\n";

    private static IReadOnlyList<string> WritesGoTo(Remote.RemoteResult answer) =>
        HaproxyReads.WritesGoTo(new FakeHost("node1", (_, _) => answer), "node1", 7000);

    [Fact]
    public void A_server_takes_writes_while_HAProxy_still_sends_to_it_including_one_on_its_way_down() =>
        Assert.Equal(["node2", "node3"], WritesGoTo(FakeHost.Ok(Stats)));

    [Fact]
    public void An_answer_that_is_not_HAProxys_statistics_or_no_answer_names_no_server()
    {
        Assert.Empty(WritesGoTo(FakeHost.Ok("HTTP/1.0 503 Service Unavailable\r\n\r\n")));
        Assert.Empty(WritesGoTo(FakeHost.Ok("")));
        Assert.Empty(WritesGoTo(FakeHost.Ok("# pxname,svname,weight\nwrites,node2,1\n")));
        Assert.Empty(WritesGoTo(FakeHost.Fail("connection refused")));
    }
}
