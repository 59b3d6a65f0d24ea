// Types shared by main.bicep and the modules.

@export()
@description('Resource tags: names to string values.')
type tagsType = {
  *: string
}

@export()
@description('One Function App setting.')
type appSettingType = {
  name: string
  value: string
}
