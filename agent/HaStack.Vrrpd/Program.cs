// hastack-vrrpd: the VRRP agent's command line. The protocol lives in HaStack.Vrrp.
Console.Error.WriteLine("usage: hastack-vrrpd check-config FILE | decode HEX | run -f FILE");
return 2;
