Console.Error.WriteLine("Not built yet.");
return 2;
