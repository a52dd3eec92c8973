"""Who may use caseledger and what they may do: accounts, sign-in with a second factor,
server-side sessions, and the permission check every service passes through."""
