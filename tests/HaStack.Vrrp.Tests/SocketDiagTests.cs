using System.Buffers.Binary;
using System.Net;
using HaStack.Vrrp.Sockets;

namespace HaStack.Vrrp.Tests;

/// <summary>The sock_diag messages the agent uses to close connections on an address it gave up (struct layouts from linux/inet_diag.h).</summary>
public class SocketDiagTests
{
    /// <summary>One reply message as the kernel writes it: nlmsghdr, then inet_diag_msg (family, state, timer, retrans, sockid, 5 × u32).</summary>
    private static byte[] Reply(uint sequence, string local, ushort localPort, string remote, ushort remotePort, ulong cookie, byte state = 1, byte family = 2)
    {
        var message = new byte[16 + 72];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), SocketDiagMessages.SockDiagByFamily);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        var body = message.AsSpan(16);
        body[0] = family;
        body[1] = state;
        BinaryPrimitives.WriteUInt16BigEndian(body[4..], localPort);
        BinaryPrimitives.WriteUInt16BigEndian(body[6..], remotePort);
        IPAddress.Parse(local).GetAddressBytes().CopyTo(body[8..]);
        IPAddress.Parse(remote).GetAddressBytes().CopyTo(body[24..]);
        BinaryPrimitives.WriteUInt32LittleEndian(body[40..], 3);
        BinaryPrimitives.WriteUInt64LittleEndian(body[44..], cookie);
        return message;
    }

    private static byte[] Done(uint sequence, ushort type = SocketDiagMessages.Done, int errno = 0)
    {
        var message = new byte[20];
        BinaryPrimitives.WriteUInt32LittleEndian(message, 20);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), type);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(16), -errno);
        return message;
    }

    [Fact]
    public void The_dump_asks_for_IPv4_TCP_sockets_in_every_state_but_listening()
    {
        var request = SocketDiagMessages.DumpRequest(7);
        Assert.Equal(72, request.Length);
        Assert.Equal(72u, BinaryPrimitives.ReadUInt32LittleEndian(request));
        Assert.Equal(SocketDiagMessages.SockDiagByFamily, BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(4)));
        Assert.Equal(0x301, BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(6))); // request | dump
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32LittleEndian(request.AsSpan(8)));
        Assert.Equal(2, request[16]);
        Assert.Equal(6, request[17]);
        var states = BinaryPrimitives.ReadUInt32LittleEndian(request.AsSpan(20));
        Assert.Equal(0u, states & (1u << 10));
        Assert.Equal(1u << 1, states & (1u << 1)); // established
    }

    [Fact]
    public void A_dumped_socket_is_destroyed_by_exactly_the_identity_the_kernel_reported()
    {
        var reply = Reply(5, "10.77.0.100", 5000, "10.77.0.1", 40112, 0x1122334455667788);
        var part = SocketDiagMessages.Parse(reply, 5);
        var socket = Assert.Single(part.Sockets);
        Assert.Equal(IPAddress.Parse("10.77.0.100"), socket.Local);
        Assert.Equal(5000, socket.LocalPort);
        Assert.Equal(IPAddress.Parse("10.77.0.1"), socket.Remote);
        Assert.Equal(40112, socket.RemotePort);
        Assert.False(part.Done);

        var destroy = SocketDiagMessages.DestroyRequest(6, socket);
        Assert.Equal(SocketDiagMessages.SockDestroy, BinaryPrimitives.ReadUInt16LittleEndian(destroy.AsSpan(4)));
        Assert.Equal(0x5, BinaryPrimitives.ReadUInt16LittleEndian(destroy.AsSpan(6))); // request | ack
        // the sockid (48 bytes) is the one the kernel sent, cookie and interface included
        Assert.Equal(reply.AsSpan(16 + 4, 48).ToArray(), destroy.AsSpan(16 + 8, 48).ToArray());
    }

    [Fact]
    public void Replies_to_another_request_and_other_families_are_ignored_and_done_and_errors_end_the_dump()
    {
        var buffer = Reply(9, "10.0.0.1", 1, "10.0.0.2", 2, 1).Concat(Reply(5, "10.0.0.3", 3, "10.0.0.4", 4, 2, family: 10))
            .Concat(Reply(5, "10.0.0.5", 5, "10.0.0.6", 6, 3)).Concat(Done(5)).ToArray();
        var part = SocketDiagMessages.Parse(buffer, 5);
        Assert.Equal(IPAddress.Parse("10.0.0.5"), Assert.Single(part.Sockets).Local);
        Assert.True(part.Done);
        Assert.Equal(0, part.Errno);

        var refused = SocketDiagMessages.Parse(Done(4, SocketDiagMessages.Error, errno: 95), 4);
        Assert.True(refused.Done);
        Assert.Equal(95, refused.Errno);
    }

    [Fact]
    public void Malformed_replies_end_the_parse_and_never_throw()
    {
        var good = Reply(1, "10.0.0.1", 1, "10.0.0.2", 2, 1);
        var random = new Random(20261128);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = (byte[])good.Clone();
            // damage a few bytes, the lengths among them, or cut it short
            for (var k = random.Next(1, 4); k > 0; k--)
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            var cut = bytes.AsSpan(0, random.Next(bytes.Length + 1));
            var part = SocketDiagMessages.Parse(cut, 1);
            Assert.True(part.Sockets.Count <= 1);
        }
        var huge = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(huge, uint.MaxValue);
        Assert.Empty(SocketDiagMessages.Parse(huge, 1).Sockets);
    }
}
