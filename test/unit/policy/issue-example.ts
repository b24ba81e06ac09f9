/** The issue's example, verbatim (comments included). */
export const ISSUE_EXAMPLE = `
labs:                          # a map: lab name -> lab
  alpha:
    inventory: /etc/labops/alpha.yml
    known_hosts: /etc/labops/alpha_known_hosts   # optional (default: LAB_KNOWN_HOSTS)
    ssh_key: /etc/labops/alpha_ed25519           # optional (default: LAB_SSH_KEY)
    channels: [C0123ALPHA]     # channels bound to this lab
    alert_channel: C0123ALRTA  # this lab's drift alerts
    roles:                     # roles granted in this lab only: role -> Slack user ids (U...) or user group ids (S...)
      operator: [U0456OPER]
  beta:
    inventory: /etc/labops/beta.yml
    channels: [C0123BETA]
    alert_channel: C0123ALRTB
    roles:
      operator: [S0789OPS]
roles:                         # roles granted in every lab, same shape
  viewer: [U0111VIEW]
  admin: [U0222ADM, U0333ADM]
default_role: none             # role of people the file does not name: none (refused, told whom to ask) or viewer
commands:                      # minimum role per command, as typed after /lab; these are the defaults
  ntp status: viewer
  ntp plan: viewer
  ntp setup: operator
  host prep: operator
  network setup: operator
  deploy openstack: admin
approvals:                     # people who must agree, the requester included: 2 = someone else must Confirm
  deploy openstack: 2
`;
