from rencai.cli import main

main()
