from clients.python.hubctl import main

main()
