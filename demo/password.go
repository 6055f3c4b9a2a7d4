package demo

// Password is every demo user's password for the console (the web pages at
// /). It is public, like the demo tokens: the demo is loaded only into a
// development database, and a password someone set is never replaced by it.
const Password = "osb-demo"
